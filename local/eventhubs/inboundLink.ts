// A producer's sender link (our receiving end): checks the target, advertises the size limit the client sizes
// batches from, and stores each transfer before settling it, so `accepted` means stored (and on disk with dataDir).
import rhea, { type Delivery, type Message, type Receiver } from 'rhea';
import { LIMITS } from './config.ts';
import { Conditions, ensureError, type AmqpError } from './errors.ts';
import type { EventStore, Hub } from './eventStore.ts';
import { MalformedMessageError, splitTransfer } from './messageCodec.ts';
import type { PartitionLog } from './partitionLog.ts';

export interface InboundTarget {
  hub: Hub;
  partition: PartitionLog | undefined;
}

/** Prepares the attach reply; returns the target, or the error to detach with. */
export function attachInbound(receiver: Receiver, store: EventStore): { ok: true; value: InboundTarget } | { ok: false; error: AmqpError } {
  const address = String(receiver.target?.address ?? '');
  // The client sizes its batches from this; without it every tryAdd fails.
  (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size = LIMITS.maxMessageBytes;
  return store.resolveSendTarget(address);
}

function reject(delivery: Delivery, error: AmqpError): void {
  delivery.reject(error as { condition: string; description: string });
}

/** Handles one transfer on an inbound link. Never throws: a bad transfer is rejected, not fatal. */
export function onInboundTransfer(
  target: InboundTarget,
  store: EventStore,
  delivery: Delivery,
  message: Message | Buffer,
  format: number,
  onStorageError: (error: Error) => void,
): void {
  // rhea decodes format-0 transfers itself; re-encode so every path stores the same encoded bytes.
  const payload = Buffer.isBuffer(message) ? message : rhea.message.encode(message);
  if (payload.length > LIMITS.maxMessageBytes) {
    return reject(delivery, {
      condition: Conditions.messageSizeExceeded,
      // The service's wording (Microsoft.Azure.Amqp's), which the SDKs' own tests match.
      description: `The received message (delivery-id:${delivery.id}, size:${payload.length} bytes) exceeds the limit (${LIMITS.maxMessageBytes} bytes) currently allowed on the link.`,
    });
  }
  let pending: Promise<void> | undefined;
  try {
    const { events, partitionKey } = splitTransfer(payload, format);
    // One batch always lands on one partition, as on the service.
    const partition = target.partition ?? store.route(target.hub, partitionKey);
    pending = events.length > 0 ? partition.append(events, partitionKey) : undefined;
  } catch (error) {
    const condition = error instanceof MalformedMessageError ? Conditions.decodeError : Conditions.internalError;
    return reject(delivery, { condition, description: ensureError(error).message });
  }
  if (!pending) return delivery.accept();
  pending.then(
    () => delivery.accept(),
    (error: unknown) => {
      onStorageError(ensureError(error));
      reject(delivery, { condition: Conditions.internalError, description: 'The event could not be stored.' });
    },
  );
}

// A consumer's receiver link (our sending end): starts at the position its filter asks for and sends exactly as many
// events as the client has granted credit for, waking up when new events are published.
import type { Socket } from 'node:net';
import type { Sender } from 'rhea';
import { WRITE_BUFFER_LIMIT } from './connectionGuard.ts';
import type { AmqpError } from './errors.ts';
import type { EventStore } from './eventStore.ts';
import { withRuntimeMetrics } from './messageCodec.ts';
import type { OwnerLevels } from './ownerLevels.ts';
import { FilterError, parseSelector, selectorOf, startSequenceNumber } from './positionFilter.ts';

const EPOCH = 'com.microsoft:epoch';
const RUNTIME_METRIC = 'com.microsoft:enable-receiver-runtime-metric';

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  return undefined;
}

function capabilities(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/**
 * Opens a consumer's link and starts delivering. Returns a cleanup function for when the link, its session or its
 * connection goes away, or the error the link must be detached with.
 */
export function attachOutbound(
  sender: Sender,
  store: EventStore,
  ownerLevels: OwnerLevels,
  onStolen: (error: AmqpError) => void,
): { ok: true; cleanup: () => void } | { ok: false; error: AmqpError } {
  const address = String(sender.source?.address ?? '');
  const resolved = store.resolveReceiveSource(address);
  if (!resolved.ok) return resolved;
  const { hub, consumerGroup, partition } = resolved.value;
  let cursor: number;
  try {
    const selector = selectorOf(sender.source?.filter);
    cursor = startSequenceNumber(selector === undefined ? undefined : parseSelector(selector), partition);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    return { ok: false, error: { condition: 'com.microsoft:argument-error', description: error.message } };
  }
  const metrics = capabilities(sender.desired_capabilities).includes(RUNTIME_METRIC);
  if (metrics) (sender as unknown as { local: { attach: { offered_capabilities: string[] } } }).local.attach.offered_capabilities = [RUNTIME_METRIC];

  const ownerKey = `${hub.definition.name}/ConsumerGroups/${consumerGroup}/Partitions/${partition.id}`.toLowerCase();
  let unsubscribe: (() => void) | undefined;
  const owned = {
    name: sender.name,
    epoch: asNumber(sender.properties?.[EPOCH]),
    detach: (error: AmqpError) => {
      cleanup();
      onStolen(error);
    },
  };
  const cleanup = () => {
    unsubscribe?.();
    unsubscribe = undefined;
    ownerLevels.release(ownerKey, owned);
  };
  const refused = ownerLevels.admit(ownerKey, owned);
  if (refused) return { ok: false, error: refused };

  // No transfer before our attach reply is on the wire. rhea answers the attach in its next processing pass (a
  // nextTick) but writes a session's transfers ahead of its links' attaches in that pass; a client that sends its
  // flow right behind its attach (the .NET client does) would get deliveries on a handle it does not know yet and end
  // the session with amqp:session:unattached-handle. setImmediate runs after that pass.
  let attachSent = false;
  setImmediate(() => {
    attachSent = true;
    pump();
  });
  // A consumer may grant any credit and then not read: what is queued for its socket is bounded, and the pump goes on
  // once the socket has drained (deliveries are written at the end of the pass, so a pass queues at most the bound).
  const socket = (sender.connection as unknown as { socket?: Socket }).socket;
  let waiting = false;
  const resume = () => {
    waiting = false;
    pump();
  };
  const pump = () => {
    if (!attachSent || !sender.is_open() || waiting) return;
    let queued = socket?.writableLength ?? 0;
    while (sender.sendable()) {
      if (queued > WRITE_BUFFER_LIMIT) {
        waiting = true;
        if (socket && socket.writableLength > WRITE_BUFFER_LIMIT) socket.once('drain', resume);
        else setImmediate(resume);
        return;
      }
      cursor = Math.max(cursor, partition.firstSequenceNumber); // expired events are skipped
      const event = partition.at(cursor);
      if (!event) return;
      const payload = metrics ? withRuntimeMetrics(event.wire, event.headerLength, tail(), Date.now()) : event.wire;
      sender.send(payload, undefined, 0);
      queued += payload.length;
      cursor += 1;
    }
  };
  const tail = () => {
    const p = partition.properties();
    return { lastSequenceNumber: p.lastSequenceNumber, lastOffset: p.lastOffset, lastEnqueuedTimeMs: p.lastEnqueuedTimeMs };
  };
  unsubscribe = partition.subscribe(pump);
  sender.on('sendable', pump);
  return { ok: true, cleanup };
}


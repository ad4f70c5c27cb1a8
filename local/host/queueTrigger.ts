// A storage queue trigger with the Functions host's semantics: batched receive under a lease, concurrent
// invocations refilled at `newBatchThreshold`, polling back-off up to `maxPollingInterval` (cut short by notify(),
// as the host's listener is when a function of the same host enqueues to its queue), a failed message made visible
// again after `visibilityTimeout`, and moved to `<queue>-poison` (original text) after `maxDequeueCount`.
import type { QueueClient, DequeuedMessageItem, QueueServiceClient } from '@azure/storage-queue';
import type { QueueHandler } from '../../functions/app/definition.ts';
import { decodeQueueMessage } from '../../functions/adapters/queues.ts';
import { ensureErrorType } from '../../functions/errors.ts';
import type { HostSettings } from './hostJson.ts';
import type { InvocationTracker } from './invocations.ts';
import { sleep } from './sleep.ts';

export interface QueueTriggerOptions {
  functionName: string;
  queueName: string;
  handler: QueueHandler;
  queueService: QueueServiceClient;
  settings: HostSettings['queues'];
  tracker: InvocationTracker;
  /**
   * How long a dequeued message stays hidden, renewed at half-time while its function runs: the host's 10 minutes by
   * default. A dequeue whose answer never arrives leaves its messages hidden that long before they come back.
   */
  leaseSeconds?: number;
}

export interface QueueTriggerStats {
  /** Receive requests made (polls), found messages or not. */
  polls: number;
  /** Back-offs cut short by notify(): polls made at once for the app's own enqueues. */
  woken: number;
  received: number;
  completed: number;
  released: number;
  poisoned: number;
}

export interface RunningQueueTrigger {
  queueName: string;
  /**
   * A message was just added to this queue by this host: poll now instead of waiting out the back-off (the WebJobs
   * queue listener's Notify, which its SharedQueueWatcher calls for output-binding enqueues). A notice that arrives
   * while a poll is under way makes the next poll follow at once, as there.
   */
  notify(): void;
  stats(): QueueTriggerStats;
  stop(): Promise<void>;
}

// The host leases a message for 10 minutes and renews the lease at half-time while the function runs.
const DEFAULT_LEASE_SECONDS = 600;
const MIN_POLL_MS = 100;

/** Message text as the Node worker hands it over: base64 JSON decoded, else the text itself. */
function messageBody(text: string): unknown {
  try {
    return decodeQueueMessage(text);
  } catch {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : text;
    return decoded;
  }
}

function metadata(message: DequeuedMessageItem): Record<string, unknown> {
  return {
    id: message.messageId,
    dequeueCount: message.dequeueCount,
    insertionTime: message.insertedOn.toISOString(),
    expirationTime: message.expiresOn.toISOString(),
    nextVisibleTime: message.nextVisibleOn.toISOString(),
    popReceipt: message.popReceipt,
  };
}

/**
 * Deletes a processed message. A 404 means it is already gone: a retried delete whose first attempt succeeded but
 * whose response was lost. The host treats that as done, and so do we.
 */
async function deleteProcessed(queue: QueueClient, message: DequeuedMessageItem, popReceipt: string): Promise<void> {
  try {
    await queue.deleteMessage(message.messageId, popReceipt);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

export async function startQueueTrigger(options: QueueTriggerOptions): Promise<RunningQueueTrigger> {
  const { functionName, queueName, handler, settings, tracker } = options;
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const queue = options.queueService.getQueueClient(queueName);
  const poison = options.queueService.getQueueClient(`${queueName}-poison`);
  await Promise.all([queue.createIfNotExists(), poison.createIfNotExists()]);
  const stats: QueueTriggerStats = { polls: 0, woken: 0, received: 0, completed: 0, released: 0, poisoned: 0 };
  const stopping = new AbortController();
  // Replaced when a poll starts, aborted by notify(): the back-off after that poll is skipped.
  let wake = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;

  const moveToPoison = async (message: DequeuedMessageItem, popReceipt: string) => {
    await poison.sendMessage(message.messageText);
    await deleteProcessed(queue, message, popReceipt);
    stats.poisoned++;
    tracker.log('warning', `${functionName}: message ${message.messageId} moved to ${queueName}-poison after ${message.dequeueCount} attempts`);
  };

  const processMessage = async (message: DequeuedMessageItem) => {
    let popReceipt = message.popReceipt;
    if (message.dequeueCount > settings.maxDequeueCount) return moveToPoison(message, popReceipt);
    const renew = setInterval(() => {
      queue
        .updateMessage(message.messageId, popReceipt, undefined, leaseSeconds)
        .then((r) => void (popReceipt = r.popReceipt ?? popReceipt))
        .catch((error: unknown) => tracker.log('warning', `lease renewal failed for ${message.messageId}: ${ensureErrorType(error).message}`));
    }, (leaseSeconds * 1000) / 2);
    const context = tracker.context(functionName, metadata(message));
    const body = messageBody(message.messageText);
    const result = await tracker.invoke(functionName, context, () => handler(body, context), body);
    clearInterval(renew);
    if (result.ok) {
      await deleteProcessed(queue, message, popReceipt);
      stats.completed++;
    } else if (message.dequeueCount >= settings.maxDequeueCount) {
      await moveToPoison(message, popReceipt);
    } else {
      await queue.updateMessage(message.messageId, popReceipt, undefined, Math.ceil(settings.visibilityTimeoutMs / 1000));
      stats.released++;
    }
  };

  const track = (message: DequeuedMessageItem) => {
    stats.received++;
    const work = processMessage(message)
      .catch((error: unknown) => tracker.log('error', `${functionName}: settling message ${message.messageId} failed: ${ensureErrorType(error).message}`))
      .finally(() => {
        inFlight.delete(work);
        slotFreed?.();
      });
    inFlight.add(work);
  };

  const poll = async (client: QueueClient) => {
    let backoff = MIN_POLL_MS;
    while (!stopping.signal.aborted) {
      if (inFlight.size > settings.newBatchThreshold) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        continue;
      }
      let received: DequeuedMessageItem[] = [];
      wake = new AbortController();
      stats.polls++;
      try {
        const response = await client.receiveMessages({ numberOfMessages: Math.min(32, settings.batchSize), visibilityTimeout: leaseSeconds });
        received = response.receivedMessageItems;
      } catch (error) {
        if (stopping.signal.aborted) break;
        tracker.log('warning', `${functionName}: receiving from ${queueName} failed: ${ensureErrorType(error).message}`);
      }
      for (const message of received) track(message);
      if (received.length > 0) {
        backoff = MIN_POLL_MS;
        continue;
      }
      // Randomised exponential back-off, as the host's queue listener does, capped at maxPollingInterval.
      await sleep(backoff * (0.8 + Math.random() * 0.4), AbortSignal.any([stopping.signal, wake.signal]));
      if (wake.signal.aborted && !stopping.signal.aborted) stats.woken++;
      backoff = Math.min(settings.maxPollingIntervalMs, backoff * 2);
    }
  };

  const loop = poll(queue);
  return {
    queueName,
    notify: () => wake.abort(),
    stats: () => ({ ...stats }),
    async stop() {
      stopping.abort();
      slotFreed?.();
      await loop;
      await Promise.all(inFlight);
    },
  };
}

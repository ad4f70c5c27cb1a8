// Shared helpers for the emulator tests: bounded waits around the real client's callback-style subscribe.
import type { EventHubConsumerClient, LastEnqueuedEventProperties, PartitionContext, ReceivedEventData, SubscribeOptions } from '@azure/event-hubs';

/** Small retry settings so that expected failures surface in well under a second. */
export const FAST_RETRY = { maxRetries: 0, retryDelayInMs: 10, timeoutInMs: 5_000 } as const;

export interface Collected {
  partitionId: string;
  event: ReceivedEventData;
  /** The partition's last-enqueued properties as the client saw them with this event (runtime metrics). */
  lastEnqueued: LastEnqueuedEventProperties;
}

/**
 * Subscribes, collects events until `until` says stop, an error is reported or `timeoutMs` passes, then closes the
 * subscription; rethrows the first error unless `until` was satisfied.
 */
export async function collect(
  consumer: EventHubConsumerClient,
  options: SubscribeOptions & { partitionId?: string },
  until: (events: Collected[]) => boolean,
  timeoutMs = 5_000,
): Promise<Collected[]> {
  const events: Collected[] = [];
  const errors: Error[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const handlers = {
    processEvents: async (batch: ReceivedEventData[], context: PartitionContext) => {
      for (const event of batch) events.push({ partitionId: context.partitionId, event, lastEnqueued: { ...context.lastEnqueuedEventProperties } });
      if (until(events)) done();
    },
    processError: async (error: Error) => {
      errors.push(error);
      done(); // the first error ends the wait: tests expecting errors should not sit out the timeout
    },
  };
  const subscribeOptions = { maxWaitTimeInSeconds: 0.2, ...options };
  const subscription = options.partitionId === undefined
    ? consumer.subscribe(handlers, subscribeOptions)
    : consumer.subscribe(options.partitionId, handlers, subscribeOptions);
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await subscription.close();
  if (errors.length > 0 && !until(events)) throw errors[0];
  return events;
}

export function bodies(events: Collected[]): unknown[] {
  return events.map((c) => c.event.body);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error `run` throws; fails the test when it does not throw. */
export function caught(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition, type ReceivedEventData } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { FAST_RETRY, delay } from './helpers.ts';

let emulator: RunningEmulator;
// One client per subscription: a client refuses a second subscriber on the same partition itself.
const clients: EventHubConsumerClient[] = [];

beforeAll(async () => {
  emulator = await start({ port: 0 });
  const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures');
  await producer.sendBatch([{ body: 'x' }], { partitionId: '0' });
  await producer.close();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emulator?.close();
});

/** A subscription to partition 0 that records its events and errors. */
function watch(ownerLevel: number | undefined) {
  const seen = { events: [] as ReceivedEventData[], errors: [] as Error[] };
  const consumer = new EventHubConsumerClient('$default', emulator.connectionString, 'temperatures', { retryOptions: FAST_RETRY });
  clients.push(consumer);
  const subscription = consumer.subscribe(
    '0',
    {
      processEvents: async (events) => void seen.events.push(...events),
      processError: async (error) => void seen.errors.push(error),
    },
    { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.2, ...(ownerLevel === undefined ? {} : { ownerLevel }) },
  );
  return { seen, subscription };
}

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}

describe('OwnerLevels', () => {
  it('lets a higher owner level take a partition over and refuses lower ones and receivers without one', async () => {
    const first = watch(1);
    await until(() => first.seen.events.length === 1);

    const second = watch(2);
    await until(() => second.seen.events.length === 1 && first.seen.errors.length > 0);
    expect(first.seen.errors[0]).toMatchObject({ code: 'ReceiverDisconnectedError' });

    const lower = watch(1);
    await until(() => lower.seen.errors.length > 0);
    expect(lower.seen.errors[0]).toMatchObject({ code: 'ReceiverDisconnectedError' });

    const none = watch(undefined);
    await until(() => none.seen.errors.length > 0);
    expect(none.seen.errors[0]).toMatchObject({ code: 'ReceiverDisconnectedError' });
    expect(second.seen.errors).toEqual([]);

    await Promise.all([first, second, lower, none].map((w) => w.subscription.close()));
  });
});

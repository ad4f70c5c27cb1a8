// Test helper: reads back what was published to a hub since a mark, with the real EventHubConsumerClient.
import { EventHubConsumerClient, EventHubProducerClient, latestEventPosition, type ReceivedEventData } from '@azure/event-hubs';

export const HUB = 'temperatures';

/** Each partition's last sequence number now, so a later read sees only newer events (the hub is shared). */
export async function markHub(connectionString: string, hub = HUB): Promise<Map<string, number>> {
  const producer = new EventHubProducerClient(connectionString, hub);
  try {
    const mark = new Map<string, number>();
    for (const id of await producer.getPartitionIds()) {
      mark.set(id, (await producer.getPartitionProperties(id)).lastEnqueuedSequenceNumber);
    }
    return mark;
  } finally {
    await producer.close();
  }
}

export interface ReadEvent {
  partitionId: string;
  event: ReceivedEventData;
}

/** Collects events after `mark` until `enough` holds or `timeoutMs` passes (then returns what it has). */
export async function readSince(
  connectionString: string,
  mark: Map<string, number>,
  enough: (events: ReadEvent[]) => boolean,
  timeoutMs = 20_000,
  hub = HUB,
): Promise<ReadEvent[]> {
  const consumer = new EventHubConsumerClient('$default', connectionString, hub);
  const events: ReadEvent[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const startPosition = Object.fromEntries(
    [...mark].map(([id, seq]) => [id, seq >= 0 ? { sequenceNumber: seq, isInclusive: false } : { offset: '-1' }]),
  );
  const subscription = consumer.subscribe(
    {
      processEvents: async (batch, context) => {
        for (const event of batch) events.push({ partitionId: context.partitionId, event });
        if (enough(events)) done();
      },
      processError: async () => undefined,
    },
    { startPosition: Object.keys(startPosition).length ? startPosition : latestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 0.2 },
  );
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await subscription.close();
  await consumer.close();
  return events;
}

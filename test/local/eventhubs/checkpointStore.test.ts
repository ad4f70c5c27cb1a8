import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition, type PartitionContext, type ReceivedEventData } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { waitUntil } from '../../waitUntil.ts';

const FAST_BALANCING = { updateIntervalInMs: 200, partitionOwnershipExpirationIntervalInMs: 2_000 } as const;
let emulator: RunningEmulator;

// One hub per test, so each starts from an empty log.
beforeAll(async () => {
  const entity = (Name: string) => ({ Name, PartitionCount: 4, ConsumerGroups: [] });
  emulator = await start({
    port: 0,
    config: { UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'emulatorNs1', Entities: [entity('resume'), entity('balance')] }] } },
  });
});

afterAll(async () => {
  await emulator?.close();
});

async function newStore(): Promise<BlobCheckpointStore> {
  const container = new ContainerClient(inject('azuriteConnectionString'), `checkpoints-${randomUUID()}`);
  await container.create();
  return new BlobCheckpointStore(container);
}

interface Tagged { phase: number; n: number }

/** A consumer with a checkpoint store that records what it gets, checkpointing only events `shouldCheckpoint` picks. */
function consumerWith(hub: string, store: BlobCheckpointStore, shouldCheckpoint: (body: Tagged) => boolean) {
  // Load-balancing options belong to the client, not to subscribe(); short intervals keep the test fast.
  const client = new EventHubConsumerClient('$default', emulator.connectionString, hub, store, {
    loadBalancingOptions: { strategy: 'balanced', ...FAST_BALANCING },
  });
  const seen: Array<{ partitionId: string; body: Tagged }> = [];
  const owned = new Set<string>();
  /** Per partition, the sequence number of the last checkpoint the store acknowledged. */
  const checkpointed = new Map<string, number>();
  const subscription = client.subscribe(
    {
      processInitialize: async (context: PartitionContext) => void owned.add(context.partitionId),
      processClose: async (_reason, context: PartitionContext) => void owned.delete(context.partitionId),
      processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
        for (const event of events) seen.push({ partitionId: context.partitionId, body: event.body as Tagged });
        const last = events.filter((e) => shouldCheckpoint(e.body as Tagged)).at(-1);
        if (last) {
          await context.updateCheckpoint(last);
          checkpointed.set(context.partitionId, last.sequenceNumber);
        }
      },
      processError: async () => undefined, // ownership changes surface here; the test checks outcomes instead
    },
    { maxWaitTimeInSeconds: 0.2, startPosition: earliestEventPosition },
  );
  return { seen, owned, checkpointed, close: async () => { await subscription.close(); await client.close(); } };
}

async function sendToEveryPartition(hub: string, phase: number, perPartition: number): Promise<void> {
  const producer = new EventHubProducerClient(emulator.connectionString, hub);
  for (const partitionId of ['0', '1', '2', '3']) {
    const events = Array.from({ length: perPartition }, (_, n) => ({ body: { phase, n } }));
    await producer.sendBatch(events, { partitionId });
  }
  await producer.close();
}

const PARTITIONS = ['0', '1', '2', '3'];
const phasesOf = (consumer: { seen: Array<{ partitionId: string; body: Tagged }> }, partitionId: string) =>
  consumer.seen.filter((s) => s.partitionId === partitionId).map((s) => s.body.phase);
const allCheckpointedAt = (consumer: { checkpointed: Map<string, number> }, sequenceNumber: number) =>
  PARTITIONS.every((p) => consumer.checkpointed.get(p) === sequenceNumber);

describe('BlobCheckpointStore on the emulator', () => {
  // No fixed waits: a redelivery from a stale position would come before newer events of the same partition, so a
  // sentinel sent last and seen on every partition proves that anything re-delivered has already arrived.
  it('resumes after a consumer restart without re-delivering checkpointed events', async () => {
    const HUB = 'resume';
    const store = await newStore();
    await sendToEveryPartition(HUB, 1, 3);
    const first = consumerWith(HUB, store, () => true);
    await waitUntil(() => first.seen.length === 12, 15_000, 'the 12 phase-1 events');
    await waitUntil(() => allCheckpointedAt(first, 2), 15_000, 'the checkpoint of the last phase-1 event on every partition');
    await first.close();

    await sendToEveryPartition(HUB, 2, 2);
    const second = consumerWith(HUB, store, () => true);
    await waitUntil(() => second.seen.length >= 8, 15_000, 'the 8 phase-2 events');
    await sendToEveryPartition(HUB, 3, 1);
    await waitUntil(() => PARTITIONS.every((p) => phasesOf(second, p).includes(3)), 15_000, 'the sentinel on every partition');
    await second.close();
    for (const partitionId of PARTITIONS) expect(phasesOf(second, partitionId), partitionId).toEqual([2, 2, 3]);
  }, 90_000);

  it('balances partitions across two consumers, and the one taking over gets only uncheckpointed events', async () => {
    const HUB = 'balance';
    const store = await newStore();
    const a = consumerWith(HUB, store, (body) => body.phase === 1);
    await waitUntil(() => a.owned.size === 4, 15_000, 'a to own all four partitions');
    await sendToEveryPartition(HUB, 1, 2);
    await waitUntil(() => a.seen.length === 8, 15_000, 'the 8 phase-1 events');
    await waitUntil(() => allCheckpointedAt(a, 1), 15_000, 'the checkpoints of phase 1');
    await sendToEveryPartition(HUB, 2, 1); // processed by a, never checkpointed
    await waitUntil(() => a.seen.length === 12, 15_000, 'the 4 phase-2 events');

    const b = consumerWith(HUB, store, () => false);
    await waitUntil(() => a.owned.size === 2 && b.owned.size === 2, 20_000, 'two partitions each');
    await waitUntil(() => b.seen.length >= 2, 15_000, 'b to read its two partitions');
    await sendToEveryPartition(HUB, 3, 1);
    const taken = [...b.owned];
    await waitUntil(() => taken.every((p) => phasesOf(b, p).includes(3)), 15_000, "the sentinel on b's partitions");
    await Promise.all([a.close(), b.close()]);

    expect(b.seen.filter((s) => s.body.phase !== 3).map((s) => s.body.phase)).toEqual([2, 2]);
    expect(new Set(b.seen.map((s) => s.partitionId)).size).toBe(2);
    for (const partitionId of taken) expect(phasesOf(b, partitionId), partitionId).toEqual([2, 3]);
  }, 90_000);
});

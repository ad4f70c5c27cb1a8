import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition, type PartitionContext, type ReceivedEventData } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { delay } from './helpers.ts';

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
  const subscription = client.subscribe(
    {
      processInitialize: async (context: PartitionContext) => void owned.add(context.partitionId),
      processClose: async (_reason, context: PartitionContext) => void owned.delete(context.partitionId),
      processEvents: async (events: ReceivedEventData[], context: PartitionContext) => {
        for (const event of events) seen.push({ partitionId: context.partitionId, body: event.body as Tagged });
        const last = events.filter((e) => shouldCheckpoint(e.body as Tagged)).at(-1);
        if (last) await context.updateCheckpoint(last);
      },
      processError: async () => undefined, // ownership changes surface here; the test checks outcomes instead
    },
    { maxWaitTimeInSeconds: 0.2, startPosition: earliestEventPosition },
  );
  return { seen, owned, close: async () => { await subscription.close(); await client.close(); } };
}

async function sendToEveryPartition(hub: string, phase: number, perPartition: number): Promise<void> {
  const producer = new EventHubProducerClient(emulator.connectionString, hub);
  for (const partitionId of ['0', '1', '2', '3']) {
    const events = Array.from({ length: perPartition }, (_, n) => ({ body: { phase, n } }));
    await producer.sendBatch(events, { partitionId });
  }
  await producer.close();
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(25);
  }
}

describe('BlobCheckpointStore on the emulator', () => {
  it('resumes after a consumer restart without re-delivering checkpointed events', async () => {
    const HUB = 'resume';
    const store = await newStore();
    await sendToEveryPartition(HUB, 1, 3);
    const first = consumerWith(HUB, store, () => true);
    await until(() => first.seen.length === 12, 8_000);
    await delay(300); // let the last checkpoint writes land
    await first.close();

    await sendToEveryPartition(HUB, 2, 2);
    const second = consumerWith(HUB, store, () => true);
    await until(() => second.seen.length >= 8, 8_000);
    await delay(400); // anything re-delivered would arrive now
    await second.close();
    expect(second.seen.map((s) => s.body.phase)).toEqual(Array(8).fill(2));
  });

  it('balances partitions across two consumers, and the one taking over gets only uncheckpointed events', async () => {
    const HUB = 'balance';
    const store = await newStore();
    const a = consumerWith(HUB, store, (body) => body.phase === 1);
    await until(() => a.owned.size === 4, 8_000);
    await sendToEveryPartition(HUB, 1, 2);
    await until(() => a.seen.length === 8, 5_000);
    await delay(300); // checkpoints for phase 1 written
    await sendToEveryPartition(HUB, 2, 1); // processed by a, never checkpointed
    await until(() => a.seen.length === 12, 5_000);

    const b = consumerWith(HUB, store, () => false);
    await until(() => a.owned.size === 2 && b.owned.size === 2, 10_000);
    await until(() => b.seen.length >= 2, 5_000);
    await delay(400);
    await Promise.all([a.close(), b.close()]);

    expect(b.seen.map((s) => s.body.phase)).toEqual([2, 2]);
    expect(new Set(b.seen.map((s) => s.partitionId)).size).toBe(2);
  });
});

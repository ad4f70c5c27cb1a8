import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobServiceClient } from '@azure/storage-blob';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { EventHubFunction, RetryPolicy } from '../../../functions/app/definition.ts';
import { start as startEmulator, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { CHECKPOINT_CONTAINER, retryDelayMs } from '../../../local/host/eventHubTrigger.ts';
import { fastHostJson, testHost, testSettings, uniqueName, type TestHost } from './testHost.ts';

const hubs = { batching: uniqueName('batching'), retry: uniqueName('retry'), resume: uniqueName('resume'), shared: uniqueName('shared') };
const NO_RETRY: RetryPolicy = { strategy: 'exponentialBackoff', maxRetryCount: 0, minimumInterval: { milliseconds: 10 }, maximumInterval: { milliseconds: 10 } };

interface Call {
  bodies: unknown[];
  metadata: Record<string, unknown>;
  retryCount: number | undefined;
}

describe('retryDelayMs', () => {
  const policy: RetryPolicy = { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { milliseconds: 100 }, maximumInterval: { milliseconds: 500 } };
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 500],
  ])('waits before retry %i for %i ms', (attempt, ms) => {
    expect(retryDelayMs(policy, attempt)).toBe(ms);
  });
});

describe('startEventHubTrigger', () => {
  let emulator: RunningEmulator;
  let host: TestHost | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      config: {
        UserConfig: {
          NamespaceConfig: [
            { Type: 'EventHub', Name: 'hostTests', Entities: Object.values(hubs).map((Name) => ({ Name, PartitionCount: 2, ConsumerGroups: [{ Name: 'aggregator' }] })) },
          ],
        },
      },
    });
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  afterAll(async () => {
    await emulator?.close();
  });

  function hubFunction(hub: string, retry: RetryPolicy, calls: Call[], fail: (bodies: unknown[]) => boolean = () => false): EventHubFunction {
    return {
      name: 'aggregate',
      trigger: { type: 'eventHub', eventHubName: hub, consumerGroup: 'aggregator', connection: 'EVENTHUB', cardinality: 'many', retry },
      handler: () => async (bodies, context) => {
        calls.push({ bodies, metadata: context.triggerMetadata ?? {}, retryCount: context.retryContext?.retryCount });
        if (fail(bodies)) throw new Error('cannot apply');
      },
    };
  }

  function startHost(definition: EventHubFunction, maxEventBatchSize = 512): TestHost {
    return testHost({
      settings: testSettings({ EVENTHUB: emulator.connectionString }),
      hostJson: fastHostJson({}, { maxEventBatchSize }),
      definitions: [definition],
    });
  }

  async function send(hub: string, bodies: unknown[]): Promise<void> {
    const producer = new EventHubProducerClient(emulator.connectionString, hub);
    try {
      for (const body of bodies) await producer.sendBatch([{ body }], { partitionKey: `k${(body as { n: number }).n % 3}` });
    } finally {
      await producer.close();
    }
  }

  it('delivers JSON bodies in batches of at most maxEventBatchSize with the host trigger metadata arrays', async () => {
    await send(hubs.batching, Array.from({ length: 25 }, (_, n) => ({ n })));
    const calls: Call[] = [];
    host = startHost(hubFunction(hubs.batching, NO_RETRY, calls), 4);
    await host.start();
    await host.waitForIdle({ timeoutMs: 20_000 });
    const bodies = calls.flatMap((c) => c.bodies as { n: number }[]);
    expect(bodies.map((b) => b.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    for (const call of calls) {
      expect(call.bodies.length).toBeGreaterThan(0);
      expect(call.bodies.length).toBeLessThanOrEqual(4);
      const m = call.metadata;
      expect(m.partitionContext).toEqual({ partitionId: expect.stringMatching(/^[01]$/), consumerGroup: 'aggregator', eventHubName: hubs.batching, fullyQualifiedNamespace: expect.any(String) });
      for (const key of ['sequenceNumberArray', 'offsetArray', 'enqueuedTimeUtcArray', 'partitionKeyArray', 'propertiesArray', 'systemPropertiesArray']) {
        expect(m[key]).toHaveLength(call.bodies.length);
      }
      expect((m.partitionKeyArray as string[]).every((k) => /^k[012]$/.test(k))).toBe(true);
      const sequence = m.sequenceNumberArray as number[];
      expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
    }
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(25 / 4));
    expect(host.stats().eventHubs.aggregate).toMatchObject({ events: 25, failedBatches: 0 });
  });

  it('retries a failing batch by the retry policy, then checkpoints past it as the host does', async () => {
    const retry: RetryPolicy = { strategy: 'exponentialBackoff', maxRetryCount: 2, minimumInterval: { milliseconds: 50 }, maximumInterval: { milliseconds: 100 } };
    const calls: Call[] = [];
    host = startHost(hubFunction(hubs.retry, retry, calls, (bodies) => bodies.some((b) => (b as { poison?: boolean }).poison)));
    await host.start();
    await send(hubs.retry, [{ n: 0, poison: true }]);
    await host.waitForIdle({ timeoutMs: 20_000 });
    expect(calls.map((c) => c.retryCount)).toEqual([0, 1, 2]);
    expect(host.stats().eventHubs.aggregate).toMatchObject({ batches: 1, failedBatches: 1, checkpoints: 1 });
    const partitionId = (calls[0]!.metadata.partitionContext as { partitionId: string }).partitionId;
    const store = new BlobCheckpointStore(BlobServiceClient.fromConnectionString(inject('azuriteConnectionString')).getContainerClient(CHECKPOINT_CONTAINER));
    const fqns = (calls[0]!.metadata.partitionContext as { fullyQualifiedNamespace: string }).fullyQualifiedNamespace;
    const checkpoints = await store.listCheckpoints(fqns, hubs.retry, 'aggregator');
    expect(checkpoints.find((c) => c.partitionId === partitionId)?.sequenceNumber).toBe((calls[0]!.metadata.sequenceNumberArray as number[])[0]);
  });

  it('resumes from the checkpoint after a restart: nothing processed is delivered again', async () => {
    const first: Call[] = [];
    host = startHost(hubFunction(hubs.resume, NO_RETRY, first));
    await host.start();
    await send(hubs.resume, Array.from({ length: 6 }, (_, n) => ({ n })));
    await host.waitForIdle({ timeoutMs: 20_000 });
    expect(first.flatMap((c) => c.bodies)).toHaveLength(6);
    await host.stop();

    await send(hubs.resume, Array.from({ length: 4 }, (_, n) => ({ n: 100 + n })));
    const second: Call[] = [];
    host = startHost(hubFunction(hubs.resume, NO_RETRY, second));
    await host.start();
    await host.waitForIdle({ timeoutMs: 20_000 });
    expect(second.flatMap((c) => (c.bodies as { n: number }[]).map((b) => b.n)).sort((a, b) => a - b)).toEqual([100, 101, 102, 103]);
  });

  it('counts what another host instance on the same consumer group checkpointed, so both see the hub drained', async () => {
    const first: Call[] = [];
    const second: Call[] = [];
    host = startHost(hubFunction(hubs.shared, NO_RETRY, first));
    const other = startHost(hubFunction(hubs.shared, NO_RETRY, second));
    await host.start();
    await other.start();
    try {
      await send(hubs.shared, Array.from({ length: 8 }, (_, n) => ({ n })));
      await Promise.all([host.waitForIdle({ timeoutMs: 20_000 }), other.waitForIdle({ timeoutMs: 20_000 })]);
      // At least once, not exactly once: while one instance takes a partition over from the other, both may read it.
      const seen = new Set([...first, ...second].flatMap((c) => (c.bodies as { n: number }[]).map((b) => b.n)));
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await other.stop();
    }
  });
});

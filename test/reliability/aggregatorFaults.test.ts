// The aggregator under at-least-once delivery: killed between its table write and its checkpoint, handed every
// event a second time, and sharing the hub with a second instance that takes partitions from it. Each run must
// end with the fault-free months (computed independently) and a balanced ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../functions/config/settings.ts';
import { CHECKPOINT_CONTAINER } from '../../local/host/eventHubTrigger.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import {
  captureLog, expectedRows, readOutcome, rowsMatch, startHost, uploadCities, waitUntil, withAggregatorHook, type DeliveredBatch,
} from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

let world: FaultWorld | undefined;
const hosts: LocalHost[] = [];
afterEach(async () => {
  await Promise.allSettled(hosts.splice(0).map((host) => host.stop()));
  await world?.close();
  world = undefined;
});

function started(host: LocalHost): LocalHost {
  hosts.push(host);
  return host;
}

const delivered = (batches: readonly DeliveredBatch[]) => new Set(batches.flatMap((b) => b.sequenceNumbers.map((n) => `${b.partitionId}/${n}`)));

async function entityTags(host: LocalHost): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for await (const entity of host.app.clients.table(RESOURCES.aggregatesTable).listEntities({ queryOptions: { select: ['PartitionKey', 'RowKey'] } })) {
    tags.set(`${entity.partitionKey}/${entity.rowKey}`, entity.etag);
  }
  return tags;
}

describe('the aggregator under at-least-once delivery', () => {
  it('re-applies the batch it was killed in, between its table write and its checkpoint, and counts it once', async () => {
    world = await startFaultWorld();
    let crashed: DeliveredBatch | undefined;
    let stopping: Promise<void> | undefined;
    let batches = 0;
    const hostA: LocalHost = started(startHost(world, captureLog(), withAggregatorHook((batch) => {
      // After the crash nothing of this instance succeeds again, so none of its batches reaches a checkpoint.
      if (crashed) throw new Error('this instance is dead');
      if (++batches < 3) return;
      crashed = batch;
      stopping = hostA.stop();
      throw new Error('killed after the table write, before the checkpoint');
    })));
    const since = new Date();
    await hostA.start();
    const runId = await uploadCities(hostA, 'crash.jsonl');
    await waitUntil(() => stopping !== undefined, 60_000, 'the third aggregator batch');
    await stopping;

    const seen: DeliveredBatch[] = [];
    const hostB = started(startHost(world, captureLog(), withAggregatorHook((batch) => void seen.push(batch))));
    await hostB.start();
    await hostB.waitForIdle({ timeoutMs: 120_000 });
    const again = delivered(seen);
    expect(crashed!.sequenceNumbers.length).toBeGreaterThan(0);
    expect(crashed!.sequenceNumbers.filter((n) => !again.has(`${crashed!.partitionId}/${n}`))).toEqual([]);
    const outcome = await readOutcome(hostB, runId, since);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.deadLetters).toEqual([]);
  }, 180_000);

  it('writes nothing when every event is delivered a second time', async () => {
    world = await startFaultWorld();
    const hostA = started(startHost(world, captureLog()));
    const since = new Date();
    await hostA.start();
    const runId = await uploadCities(hostA, 'twice.jsonl');
    await hostA.waitForIdle({ timeoutMs: 90_000 });
    await hostA.stop();
    const before = await entityTags(hostA);
    // Forget where the consumers were: the next instance reads every event of the hub again.
    const checkpoints = hostA.app.clients.blobService().getContainerClient(CHECKPOINT_CONTAINER);
    for await (const blob of checkpoints.listBlobsFlat()) await checkpoints.deleteBlob(blob.name);

    const seen: DeliveredBatch[] = [];
    const hostB = started(startHost(world, captureLog(), withAggregatorHook((batch) => void seen.push(batch))));
    await hostB.start();
    await hostB.waitForIdle({ timeoutMs: 90_000 });
    expect(delivered(seen).size).toBeGreaterThanOrEqual(540);
    expect(await entityTags(hostB)).toEqual(before);
    const outcome = await readOutcome(hostB, runId, since);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ balanced: true, cityDays: { requested: 540, aggregated: 540 } });
  }, 180_000);

  it('lets two instances take partitions from each other without losing or doubling a day', async () => {
    world = await startFaultWorld({ latencyMs: 150 });
    const running = world;
    const seenA: DeliveredBatch[] = [];
    const seenB: DeliveredBatch[] = [];
    const hostA = started(startHost(running, captureLog(), withAggregatorHook((batch) => void seenA.push(batch))));
    const since = new Date();
    await hostA.start();
    const runId = await uploadCities(hostA, 'two-instances.jsonl');
    await waitUntil(() => seenA.length > 0, 60_000, 'the first instance aggregating');
    // A second instance joins and claims its share of the four partitions; then the first one leaves.
    const hostB = started(startHost(running, captureLog(), withAggregatorHook((batch) => void seenB.push(batch))));
    await hostB.start();
    await waitUntil(() => seenB.length > 0, 60_000, 'the second instance aggregating');
    await hostA.stop();
    await hostB.waitForIdle({ timeoutMs: 120_000 });
    const partitionsA = new Set(seenA.map((b) => b.partitionId));
    const partitionsB = new Set(seenB.map((b) => b.partitionId));
    expect(partitionsB.size).toBe(4);
    expect([...partitionsA].some((p) => partitionsB.has(p))).toBe(true);
    const outcome = await readOutcome(hostB, runId, since);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.poisoned).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
  }, 180_000);
});

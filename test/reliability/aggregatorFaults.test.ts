// The aggregator under at-least-once delivery: killed between its table write and its checkpoint, handed every
// event a second time, and sharing the hub with a second instance that takes partitions from it. Each run must
// end with the fault-free months (computed independently) and a balanced ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../functions/config/settings.ts';
import { CHECKPOINT_CONTAINER } from '../../local/host/eventHubTrigger.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import {
  CITIES, captureLog, expectedRows, readOutcome, readRows, rowsMatch, startHost, uploadCities, waitUntil, withAggregatorHook, type DeliveredBatch,
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
    const seenA: DeliveredBatch[] = [];
    const seenB: DeliveredBatch[] = [];
    const hostA = started(startHost(world, captureLog(), withAggregatorHook((batch) => void seenA.push(batch))));
    const since = new Date();
    await hostA.start();
    // January and February with one instance, which owns every partition and reads every one that has data.
    const first = await uploadCities(hostA, 'two-instances-1.jsonl', CITIES, { start: '2023-01-01', end: '2023-02-28' });
    await hostA.waitForIdle({ timeoutMs: 90_000 });
    const partitionsA = new Set(seenA.map((b) => b.partitionId));
    // A second instance joins and takes partitions from the first; March's events flow while both run, the
    // first leaves after the second has aggregated a batch, and the second takes over the rest.
    const hostB = started(startHost(world, captureLog(), withAggregatorHook((batch) => void seenB.push(batch))));
    await hostB.start();
    const second = await uploadCities(hostB, 'two-instances-2.jsonl', CITIES, { start: '2023-03-01', end: '2023-03-31' });
    await waitUntil(() => seenB.length > 0, 60_000, 'the second instance aggregating');
    await hostA.stop();
    await hostB.waitForIdle({ timeoutMs: 120_000 });
    // Every partition the second instance read had been the first one's: it was taken, not found free.
    expect(seenB.every((b) => partitionsA.has(b.partitionId))).toBe(true);
    expect(rowsMatch(await readRows(hostB), expectedRows())).toEqual([]);
    for (const [runId, days] of [[first, 59 * 6], [second, 31 * 6]] as const) {
      const outcome = await readOutcome(hostB, runId, since);
      expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: days, aggregated: days, unaccounted: 0 } });
      expect(outcome.poisoned).toEqual([]);
      expect(outcome.deadLetters).toEqual([]);
    }
  }, 180_000);
});

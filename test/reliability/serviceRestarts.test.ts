// The services the app depends on going away mid-run and coming back on the same port with their data: the run
// must still end with the fault-free months and a balanced ledger, with nothing poisoned or dead-lettered.
import { EventHubConsumerClient } from '@azure/event-hubs';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog, expectedRows, readOutcome, rowsMatch, startHost, uploadCities, waitUntil } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';


/** Per partition: the first sequence number kept and how many events the hub holds. */
async function eventCounts(world: FaultWorld): Promise<{ first: number; events: number }[]> {
  const client = new EventHubConsumerClient('$default', world.settings.EVENTHUB!, 'temperatures');
  try {
    const ids = await client.getPartitionIds();
    return await Promise.all(ids.map(async (id) => {
      const p = await client.getPartitionProperties(id);
      return { first: p.isEmpty ? 0 : p.beginningSequenceNumber, events: p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1 };
    }));
  } finally {
    await client.close();
  }
}
let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function runWithRestart(name: string, restart: (world: FaultWorld) => Promise<void>) {
  // Latency stretches the fetch stage over a few seconds so the restart lands while jobs are publishing.
  world = await startFaultWorld({ latencyMs: 150 });
  const running = world;
  const log = captureLog();
  const host = startHost(running, log);
  const since = new Date();
  await host.start();
  try {
    const runId = await uploadCities(host, `${name}.jsonl`);
    await waitUntil(() => running.standIn.stats().served >= 15, 30_000, 'a quarter of the API calls');
    const servedAtRestart = running.standIn.stats().served;
    await restart(running);
    await host.waitForIdle({ timeoutMs: 120_000 });
    const servedAfterRestart = running.standIn.stats().served - servedAtRestart;
    const partitions = await eventCounts(running);
    return { outcome: await readOutcome(host, runId, since), servedAtRestart, servedAfterRestart, partitions };
  } finally {
    await host.stop();
  }
}

describe('the pipeline when a service restarts mid-run', () => {
  it('loses and doubles nothing when the Event Hubs emulator (with --data-dir) is down for 2 s', async () => {
    const { outcome, servedAtRestart, servedAfterRestart, partitions } = await runWithRestart('eventhubs-restart', (w) => w.restartEventHubs(2_000));
    // Jobs fetched before the restart and after it: both sides of the outage published.
    expect(servedAtRestart).toBeGreaterThan(0);
    expect(servedAfterRestart).toBeGreaterThan(0);
    // The log survived: every partition still starts at 0 and the sequence numbers went on across the restart.
    expect(partitions.every((p) => p.first === 0)).toBe(true);
    expect(partitions.reduce((sum, p) => sum + p.events, 0)).toBeGreaterThanOrEqual(540);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.poisoned).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
  }, 150_000);

  it('loses and doubles nothing when Azurite (on disk) is down for 2 s', async () => {
    const { outcome, servedAtRestart, servedAfterRestart } = await runWithRestart('azurite-restart', (w) => w.restartAzurite(2_000));
    expect(servedAtRestart).toBeGreaterThan(0);
    expect(servedAfterRestart).toBeGreaterThan(0);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.poisoned).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
  }, 150_000);
});

// What cannot be fetched is not lost silently: the ledger still balances, naming the days as not fetched with the
// reason, and the jobs are where an operator looks (the poison queue, deadletter/fetch-jobs/).
import { odata } from '@azure/data-tables';
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../functions/config/settings.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import { seedCities } from '../local/cli/recordedReference.ts';
import { captureLog, readOutcome, startHost, uploadCities } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** `status: reason` of every job row the run ledger holds that has a reason. */
async function jobReasons(host: LocalHost, runId: string): Promise<string[]> {
  const reasons: string[] = [];
  const rows = host.app.clients.table(RESOURCES.runsTable).listEntities<{ status?: string; reason?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${runId}` } });
  for await (const row of rows) if (row.reason) reasons.push(`${row.status}: ${row.reason}`);
  return reasons;
}

describe('a run the weather API cannot serve', () => {
  it('counts a job that failed all five deliveries as not fetched, with the error, and leaves it in the poison queue', async () => {
    world = await startFaultWorld({ rate5xx: 1 }, { FETCH_WINDOW_DAYS: '366' });
    const host = startHost(world, captureLog());
    const since = new Date();
    await host.start();
    try {
      const city = [seedCities[9]!];
      const runId = await uploadCities(host, 'down.jsonl', city);
      await host.waitForIdle({ timeoutMs: 90_000 });
      const outcome = await readOutcome(host, runId, since, city);
      expect(world.standIn.stats().serverErrors).toBe(5 * 4);
      expect(outcome.poisoned).toHaveLength(1);
      expect(outcome.rows).toEqual([]);
      expect(outcome.ledger).toMatchObject({
        state: 'complete',
        balanced: true,
        jobs: { planned: 1, failed: 1 },
        cityDays: { requested: 90, aggregated: 0, notFetched: 90, unaccounted: 0 },
      });
      expect(await jobReasons(host, runId)).toEqual([expect.stringMatching(/^failed: .*50[023].*after 4 attempts/)]);
    } finally {
      await host.stop();
    }
  }, 120_000);

  it('keeps the jobs the API refuses (dates past its archive) with the reason and aggregates the rest', async () => {
    world = await startFaultWorld({ availableUntil: '2023-02-15' });
    const host = startHost(world, captureLog());
    const since = new Date();
    await host.start();
    try {
      const city = [seedCities[9]!];
      const runId = await uploadCities(host, 'too-recent.jsonl', city);
      await host.waitForIdle({ timeoutMs: 60_000 });
      const outcome = await readOutcome(host, runId, since, city);
      // Ten-day windows from 01-01: the first four end by 02-09; the five from 02-10 reach past 02-15.
      expect(outcome.ledger).toMatchObject({
        state: 'complete',
        balanced: true,
        jobs: { planned: 9, done: 4, rejected: 5 },
        cityDays: { requested: 90, aggregated: 40, notFetched: 50, unaccounted: 0 },
      });
      expect(outcome.deadLetters).toHaveLength(5);
      expect((await jobReasons(host, runId)).filter((r) => r.startsWith('rejected'))).toHaveLength(5);
      expect(outcome.rows.map((r) => r.count)).toEqual([31 * 24, 9 * 24]);
      expect(outcome.poisoned).toEqual([]);
    } finally {
      await host.stop();
    }
  }, 90_000);
});

// The weather API misbehaving in every way the stand-in can: each run must end with the months of a fault-free
// run (computed independently from the recorded series), a balanced ledger, nothing poisoned or dead-lettered.
import { afterEach, describe, expect, it } from 'vitest';
import type { StandInOptions, StandInStats } from '../../local/openmeteo/standIn.ts';
import { seedCities } from '../local/cli/recordedReference.ts';
import { captureLog, expectedRows, readOutcome, rowsMatch, startHost, uploadCities } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function runWith(options: StandInOptions, name: string) {
  world = await startFaultWorld(options);
  const log = captureLog();
  const host = startHost(world, log);
  const since = new Date();
  await host.start();
  try {
    const runId = await uploadCities(host, `${name}.jsonl`);
    await host.waitForIdle({ timeoutMs: 90_000 });
    return { outcome: await readOutcome(host, runId, since), stats: world.standIn.stats(), host: host.stats(), log: log.lines };
  } finally {
    await host.stop();
  }
}

describe('the pipeline under weather API faults', () => {
  it.each<[string, StandInOptions, (stats: StandInStats) => number]>([
    ['429 with Retry-After on a third of calls', { rate429: 0.3, retryAfterSeconds: 1 }, (s) => s.rateLimited],
    ['500/502/503 on a third of calls', { rate5xx: 0.3 }, (s) => s.serverErrors],
    ['calls that never answer (client timeout)', { hangRate: 0.15 }, (s) => s.hangs],
    ['bodies cut off half-way', { truncateRate: 0.3 }, (s) => s.truncated],
    ['slow bodies (8 chunks, 150 ms apart) and 100 ms latency', { slowBodyMs: 150, latencyMs: 100 }, (s) => s.served],
    ['all of these at once', { rate429: 0.1, retryAfterSeconds: 1, rate5xx: 0.1, hangRate: 0.05, truncateRate: 0.1, latencyMs: 20 }, (s) => s.rateLimited + s.serverErrors + s.hangs + s.truncated],
  ])('ends with the fault-free months after %s', async (name, options, injected) => {
    const { outcome, stats } = await runWith(options, name.replace(/\W+/g, '-'));
    expect(injected(stats)).toBeGreaterThan(0);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, deadLettered: 0, unaccounted: 0 } });
    expect(outcome.poisoned).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
  }, 120_000);

  it('retries a job through the queue when every attempt of one call fails, and still counts each day once', async () => {
    // One city in one window: one job whose first delivery meets the first four faults, its second the next four.
    world = await startFaultWorld({}, { FETCH_WINDOW_DAYS: '366' });
    world.standIn.inject('5xx', '5xx', '5xx', '5xx', 'truncate', 'truncate', 'truncate', 'truncate');
    const log = captureLog();
    const host = startHost(world, log);
    const since = new Date();
    await host.start();
    try {
      const city = [seedCities[3]!];
      const runId = await uploadCities(host, 'one.jsonl', city);
      await host.waitForIdle({ timeoutMs: 60_000 });
      const outcome = await readOutcome(host, runId, since, city);
      expect(host.stats().queues.fetchCityWeather?.released).toBe(2);
      expect(rowsMatch(outcome.rows, expectedRows(city))).toEqual([]);
      expect(outcome.ledger).toMatchObject({ balanced: true, cityDays: { requested: 90, aggregated: 90 } });
      expect(log.lines.some((line) => /after 4 attempts/.test(line))).toBe(true);
    } finally {
      await host.stop();
    }
  }, 90_000);
});

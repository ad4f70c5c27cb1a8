// fetchCityWeather as its own process (`npm run host -- --functions fetchCityWeather`) killed with SIGKILL at an
// exact point of a job, by a hook loaded into it (killHook.ts): after the job's raw responses are kept and before
// anything is published, or once its first event batch is acknowledged with more to send. A second process takes
// over; the killed job's message comes back when its lease ends, is fetched again and published again. The rest
// of the app runs in this process. Each run ends with the fault-free months and a balanced ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { definitions } from '../../functions/definitions/index.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import { startHostProcess, type HostProcess } from '../../local/hostProcess.ts';
import { hubDays, KILL_HOOK, killMarker, rawWindows, waitForRun } from './killHarness.ts';
import { captureLog, expectedRows, rowsMatch, startHost, uploadCities } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

let world: FaultWorld | undefined;
let ingest: LocalHost | undefined;
const children: HostProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await ingest?.stop();
  await world?.close();
  world = ingest = undefined;
});

async function killFetchProcess(point: 'before-publish' | 'mid-publish') {
  world = await startFaultWorld({ latencyMs: 100 });
  const running = world;
  ingest = startHost(running, captureLog(), definitions.filter((d) => d.name !== 'fetchCityWeather'));
  const host = ingest;
  await host.start();
  const since = new Date();
  const doomed = await startHostProcess({
    // Batches of ~3 events, so a ten-day job publishes in several; leases of 5 s instead of 10 minutes.
    settings: { ...running.settings, KILL_POINT: point, KILL_BATCH_BYTES: '2000', KILL_QUEUE_LEASE_SECONDS: '5' },
    functions: ['fetchCityWeather'],
    nodeArgs: ['--import', KILL_HOOK],
  });
  children.push(doomed);
  const runId = await uploadCities(host, `${point}.jsonl`);
  const ended = await Promise.race([doomed.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no kill within 120 s:\n${doomed.output()}`)), 120_000))]);
  expect(ended.signal).toBe('SIGKILL');

  // The kill landed where it was meant to: the job's responses are in raw/, and the hub has none or part of its days.
  const marker = killMarker(doomed.output());
  const batch = marker.days ?? [];
  expect(batch.length).toBeGreaterThan(0);
  const cityId = batch[0]!.cityId;
  const window = (await rawWindows(host, cityId)).find((w) => w.start <= batch[0]!.date && batch[0]!.date <= w.end);
  expect(window, 'the killed job kept its raw response before publishing').toBeDefined();
  const jobDays = (days: { cityId: string; date: string }[]) => days.filter((d) => d.cityId === cityId && d.date >= window!.start && d.date <= window!.end);
  const atKill = jobDays(await hubDays(running.settings.EVENTHUB!));

  children.push(await startHostProcess({ settings: running.settings, functions: ['fetchCityWeather'] }));
  const outcome = await waitForRun(host, runId, since, 180_000);
  expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
  expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
  expect(outcome.poisoned).toEqual([]);
  expect(outcome.deadLetters).toEqual([]);
  return { batch, atKill, atEnd: jobDays(await hubDays(running.settings.EVENTHUB!)), windowDays: 10 };
}

describe('a fetch process killed with SIGKILL', () => {
  it('after it kept the raw responses and before it published: the job is fetched and published again, counted once', async () => {
    const { atKill, atEnd, windowDays } = await killFetchProcess('before-publish');
    expect(atKill).toEqual([]);
    // Published once, by the second process.
    expect(atEnd).toHaveLength(windowDays);
    expect(new Set(atEnd.map((d) => d.date)).size).toBe(windowDays);
  }, 300_000);

  it('in the middle of publishing a job: its days on the hub twice where it had sent them, counted once', async () => {
    const { batch, atKill, atEnd, windowDays } = await killFetchProcess('mid-publish');
    // The acknowledged batch is on the hub, the rest of the job is not.
    expect(atKill.map((d) => d.date).sort()).toEqual(batch.map((d) => d.date).sort());
    expect(atKill.length).toBeLessThan(windowDays);
    // The redelivered job published the whole window again: the first batch's days twice, the others once.
    expect(atEnd).toHaveLength(windowDays + batch.length);
  }, 300_000);
});

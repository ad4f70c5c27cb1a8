// The seed's 50 cities through fetchCityWeather on Azurite + the Event Hubs emulator + the Open-Meteo stand-in.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { createQueueSender } from '../../../functions/adapters/queues.ts';
import { replayResponse } from '../../../functions/core/aggregate/replayResponse.ts';
import type { CityDayEvent, FetchJob } from '../../../functions/core/model.ts';
import { startAzurite, type RunningAzurite } from '../../../local/azurite.ts';
import { loadRecordedCells } from '../../../local/openmeteo/recordedCells.ts';
import { markHub, readSince, type ReadEvent } from './fetchEventReader.ts';
import { createFetchWorld, runQueue, seedJobs, type FetchWorld } from './fetchWorld.ts';

const eventHubs = inject('eventHubsConnectionString');
const recorded = loadRecordedCells();
const DAY_MS = 86_400_000;

/** Expected readings, computed here from the recorded cells: nearest cell by Euclidean distance in degrees. */
function expectedHourly(lat: number, lng: number, date: string): number[] {
  const ranked = [...recorded.cells].sort((a, b) => Math.hypot(a.latitude - lat, a.longitude - lng) - Math.hypot(b.latitude - lat, b.longitude - lng));
  const offset = ((Date.parse(`${date}T00:00:00Z`) - Date.parse('2023-01-01T00:00:00Z')) / DAY_MS) * 24;
  return ranked[0]!.temperature_2m.slice(offset, offset + 24);
}

function dates(start: string, end: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

async function listRaw(world: FetchWorld): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of world.blobService.getContainerClient(world.resources.rawContainer).listBlobsFlat()) names.push(blob.name);
  return names;
}

/** The one response name a job's window gives, up to its fetch time. */
function windowOf(name: string): string {
  return name.slice(0, name.lastIndexOf('/'));
}

function ofRun(events: ReadEvent[], runId: string): CityDayEvent[] {
  return events.map((e) => e.event.body as CityDayEvent).filter((body) => body?.source?.runId === runId);
}

async function enqueue(world: FetchWorld, jobs: FetchJob[]): Promise<void> {
  await createQueueSender(world.queueService).sendMany(world.resources.fetchJobsQueue, jobs);
}

describe('fetchCityWeather (pipeline)', () => {
  // Its own Azurite: 15,000 blob writes would otherwise queue every other test file's storage calls behind them.
  let azurite: RunningAzurite;
  let storage: string;
  let world: FetchWorld;
  beforeAll(async () => {
    azurite = await startAzurite();
    storage = azurite.connectionString;
    world = await createFetchWorld(storage, eventHubs, 'fetchpipe');
  });
  afterAll(async () => {
    await world?.close();
    await azurite?.close();
  });

  it('turns the seed’s 50 cities × 242 days into exactly 50 raw responses and 12,100 events equal to the recorded data', async () => {
    const runId = randomUUID();
    const jobs = seedJobs(runId, '2023-01-01', '2023-08-30');
    expect(jobs).toHaveLength(50);
    const mark = await markHub(eventHubs);
    await enqueue(world, jobs);
    const run = await runQueue(world, world.deps(), (r) => r.outcomes.length >= 50, { timeoutMs: 120_000 });
    expect(run.failures).toEqual([]);
    expect(run.outcomes.every((o) => o.outcome === 'done' && o.events === 242 && o.nullHours === 0 && o.missingDays === 0)).toBe(true);

    const days = dates('2023-01-01', '2023-08-30');
    const names = await listRaw(world);
    expect(names).toHaveLength(50);
    expect(new Set(names.map(windowOf))).toEqual(new Set(jobs.map((job) => `${job.cityId}/2023-01-01_2023-08-30`)));

    const events = ofRun(await readSince(eventHubs, mark, (all) => ofRun(all, runId).length >= 50 * 242, 60_000), runId);
    expect(events).toHaveLength(50 * 242);
    const byKey = new Map(events.map((e) => [`${e.cityId}|${e.date}`, e]));
    expect(byKey.size).toBe(50 * 242);
    for (const job of jobs) {
      for (const date of days) {
        const event = byKey.get(`${job.cityId}|${date}`);
        expect(event?.hourly, `${job.cityId} ${date}`).toEqual(expectedHourly(job.lat, job.lng, date));
      }
    }
    // Each response replays into exactly the events the hub carried, fetchedAt and runId included.
    const blobs = createBlobStore(world.blobService);
    const replayed = async (name: string) => {
      const { body, metadata } = (await blobs.getBytes(world.resources.rawContainer, name))!;
      return { body, result: replayResponse(name, body, metadata, { from: '2023-01-01', to: '2023-08-30' }) };
    };
    for (const name of names) {
      const { result } = await replayed(name);
      expect(result.ok && result.rejected, name).toEqual([]);
      if (result.ok) expect(result.events, name).toEqual(days.map((d) => byKey.get(`${result.info.cityId}|${d}`)));
    }

    // Re-running a job adds a response (same readings, a later fetchedAt), leaves the first as it was and republishes.
    const job = jobs[0]!;
    const [first] = names.filter((name) => name.startsWith(`${job.cityId}/`));
    const before = (await replayed(first!)).body;
    const mark2 = await markHub(eventHubs);
    await enqueue(world, [job]);
    const rerun = await runQueue(world, world.deps(), (r) => r.outcomes.length >= 1, { timeoutMs: 30_000 });
    expect(rerun.outcomes).toMatchObject([{ outcome: 'done', events: 242 }]);
    const now = await listRaw(world);
    expect(now).toHaveLength(51);
    const added = now.filter((name) => !names.includes(name));
    expect(added.map(windowOf)).toEqual([windowOf(first!)]);
    expect(Buffer.compare((await replayed(first!)).body, before)).toBe(0);
    expect(Buffer.compare((await replayed(added[0]!)).body, before)).toBe(0);
    const again = ofRun(await readSince(eventHubs, mark2, (all) => ofRun(all, runId).length >= 242), runId);
    expect(again).toHaveLength(242);
    expect(again.every((e) => e.cityId === job.cityId)).toBe(true);
  }, 240_000);

  it('loses nothing in a 429 storm with flaky 5xx, and never exceeds the configured rate', async () => {
    // Each job is 60 days (weight 1). The client may spend 10 per sliding second; the stand-in enforces 15 per fixed
    // second, on top of random 429s (Retry-After 1 s) and 5xx. The margin absorbs the time between the client's send
    // and the stand-in's receipt: with a 12 margin a CI run on a loaded machine saw one request of one second arrive
    // in the next (the client's own sliding-second check, below, held).
    const storm = await createFetchWorld(storage, eventHubs, 'fetchstorm', { rate429: 0.3, retryAfterSeconds: 1, rate5xx: 0.2, limitPerWindow: 15, limitWindowMs: 1_000, seed: 7 });
    try {
      const runId = randomUUID();
      const jobs = seedJobs(runId, '2023-03-01', '2023-04-29');
      const mark = await markHub(eventHubs);
      await enqueue(storm, jobs);
      const calls: { at: number; weight: number }[] = [];
      const deps = storm.deps({ limits: [{ name: 'second', windowMs: 1_000, limit: 10 }], onCall: (call) => calls.push(call) });
      const run = await runQueue(storm, deps, (r) => r.outcomes.filter((o) => o.outcome === 'done').length >= 50, { timeoutMs: 120_000 });

      const done = run.outcomes.filter((o) => o.outcome === 'done');
      expect(done).toHaveLength(50);
      expect(run.poisoned).toEqual([]);
      const stats = storm.standIn.stats();
      expect(stats.rateLimited).toBeGreaterThan(5); // the storm happened…
      expect(stats.serverErrors).toBeGreaterThan(5);
      expect(run.outcomes.filter((o) => o.outcome === 'deferred').length).toBe(stats.rateLimited);
      expect(stats.limitExceeded).toBe(0); // …and the client never tripped the enforced limit.
      // The client's own promise, checked on every sliding second of its calls: never more than 10.
      expect(calls.length).toBe(stats.calls);
      for (const call of calls) {
        const inWindow = calls.filter((c) => c.at >= call.at && c.at < call.at + 1_000).reduce((sum, c) => sum + c.weight, 0);
        expect(inWindow).toBeLessThanOrEqual(10);
      }

      expect(new Set((await listRaw(storm)).map(windowOf))).toEqual(new Set(jobs.map((job) => `${job.cityId}/2023-03-01_2023-04-29`)));
      expect(await listRaw(storm)).toHaveLength(50); // a deferred or failed job kept nothing: one response per job
      const events = ofRun(await readSince(eventHubs, mark, (all) => new Set(ofRun(all, runId).map((e) => `${e.cityId}|${e.date}`)).size >= 50 * 60, 60_000), runId);
      expect(new Set(events.map((e) => `${e.cityId}|${e.date}`)).size).toBe(50 * 60);
      for (const event of events) expect(event.hourly).toEqual(expectedHourly(event.lat, event.lng, event.date));
    } finally {
      await storm.close();
    }
  }, 180_000);
});

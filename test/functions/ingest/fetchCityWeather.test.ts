import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { createOpenMeteoClient } from '../../../functions/adapters/openMeteoClient.ts';
import { decodeQueueMessage } from '../../../functions/adapters/queues.ts';
import { createQuotaTable } from '../../../functions/adapters/quotaTable.ts';
import { replayResponse } from '../../../functions/core/aggregate/replayResponse.ts';
import type { CityDayEvent, FetchJob } from '../../../functions/core/model.ts';
import { realClock } from '../../../functions/core/weather/limiterGate.ts';
import { limitWindows } from '../../../functions/core/weather/rateLimiter.ts';
import { readRawResponseInfo } from '../../../functions/core/weather/rawResponse.ts';
import { createSharedQuotaGate } from '../../../functions/core/weather/sharedQuotaGate.ts';
import { RateLimitedError, UpstreamError } from '../../../functions/errors.ts';
import { fetchCityWeather } from '../../../functions/ingest/fetchCityWeather.ts';
import { markHub, readSince } from './fetchEventReader.ts';
import { createFetchWorld, type FetchWorld } from './fetchWorld.ts';
import { waitUntil } from '../../waitUntil.ts';

const storage = inject('azuriteConnectionString');
const eventHubs = inject('eventHubsConnectionString');

describe('fetchCityWeather', () => {
  let world: FetchWorld;
  beforeAll(async () => {
    world = await createFetchWorld(storage, eventHubs, 'fetchjob', { availableUntil: '2023-12-31' });
  });
  afterAll(() => world?.close());

  const job = (over: Partial<FetchJob> = {}): FetchJob => ({
    v: 1, runId: randomUUID(), cityId: `peabody-${randomUUID().slice(0, 8)}`, city: 'Peabody, MA, USA',
    lat: 42.536457, lng: -70.985786, start: '2023-02-01', end: '2023-02-03', ...over,
  });
  const container = (w = world) => w.blobService.getContainerClient(w.resources.rawContainer);
  /** The city's kept responses: name, bytes and metadata, in name order. */
  const responses = async (cityId: string, w = world) => {
    const out: { name: string; body: Buffer; metadata: Record<string, string> }[] = [];
    for await (const blob of container(w).listBlobsFlat({ prefix: `${cityId}/`, includeMetadata: true })) {
      out.push({ name: blob.name, body: await container(w).getBlobClient(blob.name).downloadToBuffer(), metadata: blob.metadata ?? {} });
    }
    return out;
  };
  const jobsQueue = () => world.queueService.getQueueClient(world.resources.fetchJobsQueue);

  it('keeps the response once in raw/ with what replay needs, publishes one event per day, and logs a summary with run and city ids', async () => {
    const j = job({ city: 'Zürich, ZH, Schweiz' });
    const mark = await markHub(eventHubs);
    const outcome = await fetchCityWeather(j, world.deps(), world.context());
    expect(outcome).toMatchObject({ outcome: 'done', days: 3, events: 3, batches: 1, missingDays: 0, nullHours: 0, invalidValues: 0, weight: 1, calls: 1 });
    const events = (await readSince(eventHubs, mark, (all) => all.filter((e) => (e.event.body as CityDayEvent).cityId === j.cityId).length >= 3))
      .filter((e) => (e.event.body as CityDayEvent).cityId === j.cityId).map((e) => e.event.body as CityDayEvent);
    expect(events.map((e) => e.date)).toEqual(['2023-02-01', '2023-02-02', '2023-02-03']);
    const fetchedAt = events[0]!.source.fetchedAt;
    const kept = await responses(j.cityId);
    expect(kept.map((r) => r.name)).toEqual([`${j.cityId}/2023-02-01_2023-02-03/${fetchedAt.replace(/:/g, '-')}.json`]);
    // Metadata is ASCII (the city name travels percent-encoded) and names the job, the window and the fetch.
    expect(Object.values(kept[0]!.metadata).every((v) => /^[\x20-\x7e]*$/.test(v))).toBe(true);
    expect(readRawResponseInfo(kept[0]!.name, kept[0]!.metadata)).toEqual({
      ok: true, info: { cityId: j.cityId, city: 'Zürich, ZH, Schweiz', lat: j.lat, lng: j.lng, start: '2023-02-01', end: '2023-02-03', fetchedAt, runId: j.runId, model: 'era5' },
    });
    // The response as the stand-in serves it, and the very events the hub carried when replayed.
    const direct = await fetch(`${world.standIn.url}?latitude=${j.lat}&longitude=${j.lng}&start_date=2023-02-01&end_date=2023-02-03&hourly=temperature_2m&timezone=UTC`);
    expect(Buffer.compare(kept[0]!.body, Buffer.from(await direct.arrayBuffer()))).toBe(0);
    expect(replayResponse(kept[0]!.name, kept[0]!.body, kept[0]!.metadata, { from: '2023-02-01', to: '2023-02-03' })).toMatchObject({ ok: true, events, rejected: [] });
    expect(world.logs.some((line) => line.includes(`run=${j.runId} city=${j.cityId}`) && line.includes('responses=1 days=3') && line.includes('weight=1.00'))).toBe(true);
  });

  it('keeps the body byte for byte as the API sent it, not a re-serialisation', async () => {
    const time = Array.from({ length: 24 }, (_, h) => `"2023-03-01T${String(h).padStart(2, '0')}:00"`);
    const sent = Buffer.from(`{\n  "latitude" : 42.50, "longitude": -71.0,\n  "utc_offset_seconds": 0, "hourly_units": {"temperature_2m": "°C"},\n`
      + `  "hourly": { "time": [${time.join(', ')}], "temperature_2m": [${time.map(() => '1.50').join(',')}] }\n}\n`, 'utf8');
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(sent));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createOpenMeteoClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/archive`, timeoutMs: 2_000, limits: [{ name: 'minute', windowMs: 60_000, limit: 100 }] });
    try {
      const j = job({ start: '2023-03-01', end: '2023-03-01' });
      await expect(fetchCityWeather(j, world.deps({}, { client }), world.context())).resolves.toMatchObject({ outcome: 'done', days: 1, nullHours: 0 });
      const kept = await responses(j.cityId);
      expect(kept).toHaveLength(1);
      expect(Buffer.compare(kept[0]!.body, sent)).toBe(0);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('adds a response for every fetch of a window and never replaces one', async () => {
    const j = job();
    await fetchCityWeather(j, world.deps(), world.context());
    const [first] = await responses(j.cityId);
    const etag = (await container().getBlobClient(first!.name).getProperties()).etag;
    const firstDone = Date.now();
    await waitUntil(() => Date.now() > firstDone, 1_000, 'a later millisecond (a later fetchedAt)');
    await fetchCityWeather(j, world.deps(), world.context());
    const kept = await responses(j.cityId);
    expect(kept).toHaveLength(2);
    expect(kept[0]!.name).toBe(first!.name);
    expect(kept[1]!.name > first!.name).toBe(true); // names sort by fetch time
    expect((await container().getBlobClient(first!.name).getProperties()).etag).toBe(etag);
    expect(Buffer.compare(kept[1]!.body, first!.body)).toBe(0);
  });

  it('keeps a redelivered job fetched in the same millisecond once, as one response', async () => {
    const j = job();
    const at = new Date('2024-06-15T08:00:00.123Z');
    await fetchCityWeather(j, world.deps({}, { now: () => at }), world.context());
    await fetchCityWeather(j, world.deps({}, { now: () => at }), world.context());
    expect((await responses(j.cityId)).map((r) => r.name)).toEqual([`${j.cityId}/2023-02-01_2023-02-03/2024-06-15T08-00-00.123Z.json`]);
  });

  it('keeps trailing nulls as nulls and warns with the count', async () => {
    const nulls = await createFetchWorld(storage, eventHubs, 'fetchnull', { nullTrailingDays: 1, availableUntil: '2023-12-31' });
    try {
      const j = job();
      const outcome = await fetchCityWeather(j, nulls.deps(), nulls.context());
      expect(outcome).toMatchObject({ outcome: 'done', nullHours: 24, missingDays: 0 });
      const [kept] = await responses(j.cityId, nulls);
      const replayed = replayResponse(kept!.name, kept!.body, kept!.metadata, { from: '2023-02-01', to: '2023-02-03' });
      expect(replayed.ok && replayed.events.map((e) => e.hourly.filter((v) => v === null).length)).toEqual([0, 0, 24]);
    } finally {
      await nulls.close();
    }
  });

  it('splits a job longer than FETCH_WINDOW_DAYS into several requests and keeps each response', async () => {
    const j = job({ start: '2023-01-01', end: '2023-01-10' });
    const outcome = await fetchCityWeather(j, world.deps({}, { fetchWindowDays: 4 }), world.context());
    expect(outcome).toMatchObject({ outcome: 'done', days: 10, events: 10, calls: 3 });
    expect((await responses(j.cityId)).map((r) => r.name.split('/')[1])).toEqual(['2023-01-01_2023-01-04', '2023-01-05_2023-01-08', '2023-01-09_2023-01-10']);
  });

  it('lets go of each parsed response once it is normalised: none is held while the events are published', async () => {
    // A parsed 242-day response is ~0.4 MB of objects; a job waits on its raw writes and the publish long enough
    // for what it still holds to be copied out of the young generation (docs/performance.md).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const deps = world.deps({}, { fetchWindowDays: 4 });
    const parsed: WeakRef<object>[] = [];
    let heldWhilePublishing = -1;
    const outcome = await fetchCityWeather(job({ start: '2023-01-01', end: '2023-01-10' }), {
      ...deps,
      client: {
        fetchArchive: async (request) => {
          const result = await deps.client.fetchArchive(request);
          parsed.push(new WeakRef(result.response));
          return result;
        },
      },
      publisher: {
        publish: async (events) => {
          gc();
          heldWhilePublishing = parsed.filter((ref) => ref.deref() !== undefined).length;
          return deps.publisher.publish(events);
        },
      },
    }, world.context());
    expect(outcome).toMatchObject({ outcome: 'done', events: 10, calls: 3 });
    expect(parsed).toHaveLength(3);
    expect(heldWhilePublishing).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['a message that is not JSON', 'not json', /message is not JSON/],
    ['a job of another version', { v: 2 }, /v must be 1/],
    ['a job whose end precedes its start', { v: 1, runId: 'r', cityId: 'c', city: 'C', lat: 1, lng: 1, start: '2023-02-02', end: '2023-02-01' }, /end 2023-02-01 is before start/],
  ])('keeps %s in deadletter/ with the reason, logs an error and completes', async (_label, message, reason) => {
    const outcome = await fetchCityWeather(message, world.deps(), world.context());
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(reason) });
    if (outcome.outcome !== 'rejected') return;
    const kept = JSON.parse((await world.blobService.getContainerClient(world.resources.deadletterContainer).getBlobClient(outcome.deadletter).downloadToBuffer()).toString()) as { reason: string; message: unknown };
    expect(kept.reason).toMatch(reason);
    expect(kept.message).toEqual(message);
    expect(world.logs.some((line) => line.startsWith('error:') && reason.test(line))).toBe(true);
  });

  it('keeps a job the API refuses with 400 in deadletter/ with the API reason', async () => {
    const outcome = await fetchCityWeather(job({ start: '2023-12-30', end: '2024-01-02' }), world.deps(), world.context());
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining("Parameter 'end_date' is out of allowed range") });
  });

  it('re-schedules a rate-limited job with deferrals+1, hidden for Retry-After, and completes', async () => {
    const j = job({ deferrals: 2 });
    world.standIn.inject('429');
    const outcome = await fetchCityWeather(j, world.deps(), world.context());
    expect(outcome).toEqual({ outcome: 'deferred', retryAfterSeconds: 1, deferrals: 3 });
    expect((await jobsQueue().peekMessages()).peekedMessageItems).toHaveLength(0); // hidden for now
    // It shows once Retry-After (1 s) has passed: wait for that, with a deadline, rather than for a fixed time.
    await waitUntil(async () => (await jobsQueue().peekMessages()).peekedMessageItems.length > 0, 15_000, 'the deferred job to become visible');
    const { receivedMessageItems: items } = await jobsQueue().receiveMessages();
    expect(items).toHaveLength(1);
    expect(decodeQueueMessage(items[0]!.messageText)).toEqual({ ...j, deferrals: 3 });
    await jobsQueue().deleteMessage(items[0]!.messageId, items[0]!.popReceipt);
    expect(await responses(j.cityId)).toEqual([]);
  });

  it('throws once a job has been deferred the maximum number of times, so the host retries and then poisons it', async () => {
    world.standIn.inject('429');
    // Under the default cap (20): deferred.
    await expect(fetchCityWeather(job({ deferrals: 3 }), world.deps(), world.context())).resolves.toMatchObject({ outcome: 'deferred' });
    await jobsQueue().clearMessages();
    world.standIn.inject('429');
    await expect(fetchCityWeather(job({ deferrals: 5 }), world.deps({}, { maxDeferrals: 5 }), world.context())).rejects.toThrow(RateLimitedError);
    expect((await jobsQueue().getProperties()).approximateMessagesCount).toBe(0);
  });

  it('re-schedules a job the shared quota cannot serve soon without counting a deferral, even at the cap', async () => {
    const table = TableClient.fromConnectionString(storage, `quota${randomUUID().slice(0, 8)}`, { allowInsecureConnection: true });
    await table.createTable();
    // The hour allows one call; waits are never taken in-process here, so the second job is handed back at once.
    const windows = limitWindows({ perMinute: 100, perHour: 1, perDay: 100 });
    const gate = createSharedQuotaGate({ windows, store: createQuotaTable(table, 'test'), instances: 1, clock: realClock, maxWaitMs: 0 });
    const callsBefore = world.standIn.stats().calls;
    const deps = world.deps({ limits: windows, gate }, { maxDeferrals: 5 });
    await expect(fetchCityWeather(job(), deps, world.context())).resolves.toMatchObject({ outcome: 'done' });
    const j = job({ deferrals: 5 });
    const outcome = await fetchCityWeather(j, deps, world.context());
    expect(outcome).toMatchObject({ outcome: 'deferred', deferrals: 5, quota: true });
    const untilNextHour = 3_600 - Math.floor((Date.now() % 3_600_000) / 1000);
    expect((outcome as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(untilNextHour - 5);
    expect((outcome as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(untilNextHour + 1);
    // The same job, deferrals unchanged, hidden until the hour is over; nothing fetched for it.
    expect((await jobsQueue().getProperties()).approximateMessagesCount).toBe(1);
    expect((await jobsQueue().peekMessages()).peekedMessageItems).toHaveLength(0);
    expect(world.standIn.stats().calls).toBe(callsBefore + 1);
    await jobsQueue().clearMessages();
  });

  it('throws an UpstreamError and writes nothing when the API keeps failing', async () => {
    const j = job();
    world.standIn.inject('5xx', '5xx', '5xx', '5xx');
    await expect(fetchCityWeather(j, world.deps(), world.context())).rejects.toThrow(UpstreamError);
    expect(await responses(j.cityId)).toEqual([]);
  });
});

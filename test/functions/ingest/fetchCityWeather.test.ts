import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeQueueMessage } from '../../../functions/adapters/queues.ts';
import { rawBlobName, type CityDayEvent, type FetchJob } from '../../../functions/core/model.ts';
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
  const raw = (name: string) => world.blobService.getContainerClient(world.resources.rawContainer).getBlobClient(name);
  const jobsQueue = () => world.queueService.getQueueClient(world.resources.fetchJobsQueue);

  it('writes one raw blob per day, publishes one event per day, and logs a summary with run and city ids', async () => {
    const j = job();
    const mark = await markHub(eventHubs);
    const outcome = await fetchCityWeather(j, world.deps(), world.context());
    expect(outcome).toMatchObject({ outcome: 'done', days: 3, events: 3, batches: 1, missingDays: 0, nullHours: 0, invalidValues: 0, weight: 1, calls: 1 });
    const blob = JSON.parse((await raw(rawBlobName(j.cityId, '2023-02-02')).downloadToBuffer()).toString()) as CityDayEvent;
    expect(blob).toMatchObject({ v: 1, cityId: j.cityId, date: '2023-02-02', gridLat: 42.5, gridLng: -71, source: { api: 'open-meteo-archive', model: 'era5', runId: j.runId } });
    expect(blob.hourly).toHaveLength(24);
    const events = (await readSince(eventHubs, mark, (all) => all.filter((e) => (e.event.body as CityDayEvent).cityId === j.cityId).length >= 3))
      .filter((e) => (e.event.body as CityDayEvent).cityId === j.cityId);
    expect(events.map((e) => (e.event.body as CityDayEvent).date)).toEqual(['2023-02-01', '2023-02-02', '2023-02-03']);
    expect(world.logs.some((line) => line.includes(`run=${j.runId} city=${j.cityId}`) && line.includes('days=3') && line.includes('weight=1.00'))).toBe(true);
  });

  it('keeps trailing nulls as nulls and warns with the count', async () => {
    const nulls = await createFetchWorld(storage, eventHubs, 'fetchnull', { nullTrailingDays: 1, availableUntil: '2023-12-31' });
    try {
      const j = job();
      const outcome = await fetchCityWeather(j, nulls.deps(), nulls.context());
      expect(outcome).toMatchObject({ outcome: 'done', nullHours: 24, missingDays: 0 });
      const last = JSON.parse((await nulls.blobService.getContainerClient(nulls.resources.rawContainer).getBlobClient(rawBlobName(j.cityId, '2023-02-03')).downloadToBuffer()).toString()) as CityDayEvent;
      expect(last.hourly).toEqual(new Array(24).fill(null));
    } finally {
      await nulls.close();
    }
  });

  it('splits a job longer than FETCH_WINDOW_DAYS into several requests', async () => {
    const j = job({ start: '2023-01-01', end: '2023-01-10' });
    const outcome = await fetchCityWeather(j, world.deps({}, { fetchWindowDays: 4 }), world.context());
    expect(outcome).toMatchObject({ outcome: 'done', days: 10, events: 10, calls: 3 });
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
    expect(await raw(rawBlobName(j.cityId, '2023-02-01')).exists()).toBe(false);
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

  it('throws an UpstreamError and writes nothing when the API keeps failing', async () => {
    const j = job();
    world.standIn.inject('5xx', '5xx', '5xx', '5xx');
    await expect(fetchCityWeather(j, world.deps(), world.context())).rejects.toThrow(UpstreamError);
    expect(await raw(rawBlobName(j.cityId, '2023-02-01')).exists()).toBe(false);
  });
});

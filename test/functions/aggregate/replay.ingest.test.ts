// Stream versus batch over what ingest really kept: jobs fetched through fetchCityWeather (stand-in, Azurite, the
// Event Hubs emulator), their events aggregated as the stream does, then replay over the raw/ responses. Overlapping
// windows, a split job, trailing nulls filled by a later fetch and a later fetch with nulls: each day must come out
// as the newest fetch says, in both halves, bit for bit.
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { listRawCityIds } from '../../../functions/adapters/rawCityIds.ts';
import { aggregateBatch } from '../../../functions/aggregate/aggregateBatch.ts';
import { replay, type ReplayDeps } from '../../../functions/aggregate/replay.ts';
import { verify } from '../../../functions/aggregate/verify.ts';
import type { CityDayEvent, FetchJob } from '../../../functions/core/model.ts';
import { fetchCityWeather } from '../../../functions/ingest/fetchCityWeather.ts';
import { markHub, readSince } from '../ingest/fetchEventReader.ts';
import { createFetchWorld, type FetchWorld } from '../ingest/fetchWorld.ts';
import { newContainer, newTable, tableSnapshot, uniqueName } from './fixtures.ts';

const storage = inject('azuriteConnectionString');
const eventHubs = inject('eventHubsConnectionString');
const side = (name: string) => createAggregateTable(TableClient.fromConnectionString(storage, name, { allowInsecureConnection: true }));

describe('replay (over the responses ingest kept)', () => {
  let lagging: FetchWorld; // the stand-in answers null for the last 3 days of every range, as ERA5 lags
  let complete: FetchWorld;
  let live: Awaited<ReturnType<typeof newTable>>;
  let deps: ReplayDeps;
  const runId = randomUUID();
  const recordedCity = { cityId: `peabody-${runId.slice(0, 8)}`, city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786 };
  const syntheticCity = { cityId: `équateur-${runId.slice(0, 8)}`, city: 'Équateur, Île 1', lat: 0.5, lng: 10.25 };
  const job = (place: typeof recordedCity, start: string, end: string): FetchJob => ({ v: 1, runId, ...place, start, end });

  beforeAll(async () => {
    lagging = await createFetchWorld(storage, eventHubs, 'replaying', { nullTrailingDays: 3, availableUntil: '2023-12-31' });
    complete = await createFetchWorld(storage, eventHubs, 'replaycomp', { availableUntil: '2023-12-31' });
    const shared = { resources: lagging.resources }; // one raw/ for both stand-ins
    const mark = await markHub(eventHubs);
    const fetches: [FetchWorld, FetchJob, number][] = [
      [lagging, job(recordedCity, '2023-03-01', '2023-03-20'), 366],
      [lagging, job(syntheticCity, '2023-03-01', '2023-03-20'), 366],
      [complete, job(recordedCity, '2023-03-10', '2023-04-05'), 10], // three windows; fills 03-18..03-20
      [complete, job(syntheticCity, '2023-03-15', '2023-03-25'), 366],
      [lagging, job(recordedCity, '2023-03-25', '2023-03-31'), 366], // newest: its nulls win 03-29..03-31
    ];
    for (const [world, fetchJob, fetchWindowDays] of fetches) {
      await expect(fetchCityWeather(fetchJob, world.deps({}, { ...shared, fetchWindowDays }), world.context())).resolves.toMatchObject({ outcome: 'done' });
      await new Promise((resolve) => setTimeout(resolve, 3)); // each fetch a later millisecond than the one before
    }
    const ours = (events: { event: { body: unknown } }[]) => events.filter((e) => (e.event.body as CityDayEvent).source?.runId === runId);
    const events = ours(await readSince(eventHubs, mark, (all) => ours(all).length >= 20 + 20 + 27 + 11 + 7, 60_000));
    expect(events).toHaveLength(85);

    live = await newTable(storage, 'aggingest');
    const deadletter = await newContainer(storage, 'deadletter-ingest-');
    for (let i = 0; i < events.length; i += 20) {
      const slice = events.slice(i, i + 20).map((e) => e.event.body);
      const result = await aggregateBatch({ table: live.table, blobs: deadletter.blobs, deadletterContainer: deadletter.name }, slice,
        { partitionId: '0', sequenceNumbers: slice.map((_, k) => i + k), enqueuedTimes: [] });
      expect(result.deadLettered).toBe(0);
    }
    const raw = lagging.resources.rawContainer;
    deps = { blobs: createBlobStore(lagging.blobService), rawContainer: raw, listCityIds: () => listRawCityIds(lagging.blobService, raw), liveTable: live.table, sideTable: side };
  }, 180_000);
  afterAll(async () => {
    await lagging?.close();
    await complete?.close();
  });

  it('computes from the kept responses exactly what the stream computed from the events', async () => {
    const sideTable = uniqueName('side');
    const result = await replay(deps, { from: '2023-01', to: '2023-12', target: sideTable });
    expect(result).toMatchObject({ cities: 2, months: 3, days: 36 + 25, blobsRead: 7, skipped: [] });
    const checked = await verify({ liveTable: live.table, sideTable: side }, { from: '2023-01', to: '2023-12', sideTable });
    expect(checked).toMatchObject({ compared: 3, differences: [], onlyInStream: [], onlyInBatch: [] });
    expect(await tableSnapshot(TableClient.fromConnectionString(storage, sideTable, { allowInsecureConnection: true }))).toEqual(await tableSnapshot(live.client));
    // The newest fetch decided each day: the filled-in days are complete, the last fetch's trailing days are null.
    const march = (await tableSnapshot(live.client))[`${recordedCity.cityId}/M|2023-03`]!;
    const days = JSON.parse(String(march.dayPartials)) as Record<string, unknown[]>;
    expect(days['2023-03-19']?.[3]).toBe(24); // count of readings
    expect(days['2023-03-30']?.[3]).toBe(0);
  });

  it('replays a range narrower than the responses, reading only the responses that overlap it', async () => {
    const sideTable = uniqueName('side');
    const result = await replay(deps, { cities: [recordedCity.cityId], from: '2023-04', to: '2023-04', target: sideTable });
    expect(result).toMatchObject({ cities: 1, months: 1, days: 5, blobsRead: 1, skipped: [] });
    const checked = await verify({ liveTable: live.table, sideTable: side }, { cities: [recordedCity.cityId], from: '2023-04', to: '2023-04', sideTable });
    expect(checked).toMatchObject({ compared: 1, differences: [], onlyInStream: [], onlyInBatch: [] });
  });
});

import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { listRawCityIds } from '../../../functions/adapters/rawCityIds.ts';
import { aggregateBatch } from '../../../functions/aggregate/aggregateBatch.ts';
import { forEachLimit } from '../../../functions/aggregate/forEachLimit.ts';
import { MAX_RESPONSE_BYTES, replay, type ReplayDeps } from '../../../functions/aggregate/replay.ts';
import { verify } from '../../../functions/aggregate/verify.ts';
import type { CityDayEvent } from '../../../functions/core/model.ts';
import { newContainer, newTable, tableSnapshot, uniqueName } from './fixtures.ts';
import { keepResponse, responseBody, responseInfo } from './rawFixtures.ts';
import { recorded, recordedEvents } from './recordedData.ts';

const connectionString = inject('azuriteConnectionString');
const cities = recorded.cities.slice(0, 3);
const ids = cities.map((c) => c.cityId);
const side = (name: string) => createAggregateTable(TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true }));

let live: Awaited<ReturnType<typeof newTable>>;
let raw: Awaited<ReturnType<typeof newContainer>>;
let deps: ReplayDeps;
let finalEvents: CityDayEvent[];
let badBlobs: { corrupt: string; invalid: string };

const FINAL = '2023-09-23T10:00:00.000Z';
const EARLY = '2023-08-31T02:00:00.000Z';
const lateHoursNull = (values: (number | null)[], time: string[]) => time.forEach((t, i) => {
  if (t >= '2023-08-26' && Number(t.slice(11, 13)) > 6) values[i] = null;
});

beforeAll(async () => {
  live = await newTable(connectionString, 'aggstream');
  raw = await newContainer(connectionString, 'raw-replay-');
  const deadletter = await newContainer(connectionString, 'deadletter-replay-');
  // The stream first sees early fetches of the last days with nulls (as ERA5 lags), then the complete re-fetch.
  finalEvents = recordedEvents(FINAL, cities);
  const early = finalEvents.filter((e) => e.date >= '2023-08-26').map((e) => ({
    ...e, hourly: e.hourly.map((v, h) => (h > 6 ? null : v)), source: { ...e.source, fetchedAt: EARLY },
  }));
  const stream = [...finalEvents, ...early].sort((a, b) => (a.date < b.date ? 1 : -1)); // newest first: out of order
  for (let i = 0; i < stream.length; i += 400) {
    const slice = stream.slice(i, i + 400);
    await aggregateBatch({ table: live.table, blobs: deadletter.blobs, deadletterContainer: deadletter.name }, slice,
      { partitionId: '0', sequenceNumbers: slice.map((_, k) => i + k), enqueuedTimes: [] });
  }
  // raw/ keeps every response the stream's events came from: the early one with nulls and the complete re-fetch
  // (in two windows), plus two bad blobs: one not JSON, one that fails validation.
  await forEachLimit(cities, 3, async (c) => {
    await keepResponse(raw, responseInfo(c, '2023-08-26', '2023-08-30', EARLY), responseBody(c, '2023-08-26', '2023-08-30', lateHoursNull));
    await keepResponse(raw, responseInfo(c, '2023-01-01', '2023-05-31', FINAL), responseBody(c, '2023-01-01', '2023-05-31'));
    await keepResponse(raw, responseInfo(c, '2023-06-01', '2023-08-30', FINAL), responseBody(c, '2023-06-01', '2023-08-30'));
  });
  const first = cities[0]!;
  const valid = responseBody(first, '2023-08-01', '2023-08-02').toString('utf8');
  badBlobs = {
    corrupt: await keepResponse(raw, responseInfo(first, '2023-08-01', '2023-08-02', '2023-10-01T00:00:00.000Z'), Buffer.from(valid.slice(0, 500))),
    invalid: await keepResponse(raw, responseInfo(first, '2023-08-01', '2023-08-02', '2023-10-02T00:00:00.000Z'),
      Buffer.from(valid.replace('"utc_offset_seconds":0', '"utc_offset_seconds":3600'))),
  };
  deps = { blobs: raw.blobs, rawContainer: raw.name, listCityIds: () => listRawCityIds(raw.service, raw.name), liveTable: live.table, sideTable: side };
}, 120_000);

describe('replay', () => {
  it('recomputes from raw blobs exactly what the stream computed, bit for bit', async () => {
    const target = uniqueName('side');
    const result = await replay(deps, { from: '2023-01', to: '2023-09', target });
    expect(result).toMatchObject({ target, cities: 3, months: 24, days: 3 * 242, blobsRead: 3 * 3 + 2 });
    expect(result.skipped).toEqual([
      { blob: badBlobs.corrupt, reason: expect.stringMatching(/^body is not JSON/) as string },
      { blob: badBlobs.invalid, reason: expect.stringMatching(/utc_offset_seconds/) as string },
    ]);
    const sideClient = TableClient.fromConnectionString(connectionString, target, { allowInsecureConnection: true });
    expect(await tableSnapshot(sideClient)).toEqual(await tableSnapshot(live.client));
  });

  it('replays only the named cities and months', async () => {
    const target = uniqueName('side');
    const result = await replay(deps, { cities: [ids[1] ?? ''], from: '2023-02', to: '2023-03', target });
    expect(result).toMatchObject({ cities: 1, months: 2, days: 28 + 31 });
    const keys = Object.keys(await tableSnapshot(TableClient.fromConnectionString(connectionString, target, { allowInsecureConnection: true })));
    expect(keys).toEqual([`${ids[1]}/M|2023-02`, `${ids[1]}/M|2023-03`]);
  });

  it('into the live table changes nothing the stream got right and restores what it lost', async () => {
    const before = await tableSnapshot(live.client);
    const unchanged = await replay(deps, { cities: ids.slice(0, 2), from: '2023-01', to: '2023-08', target: 'live' });
    expect(unchanged.tableOperations).toBe(2); // one read per city, no write
    await live.client.deleteEntity(ids[2] ?? '', 'M|2023-04');
    await replay(deps, { cities: [ids[2] ?? ''], from: '2023-04', to: '2023-04', target: 'live' });
    expect(await tableSnapshot(live.client)).toEqual(before);
  });

  it('reports a blob too large to be a response by name, without reading it, and replays the rest', async () => {
    const alone = await newContainer(connectionString, 'raw-big-');
    const c = cities[0]!;
    await keepResponse(alone, responseInfo(c, '2023-02-01', '2023-02-28', FINAL), responseBody(c, '2023-02-01', '2023-02-28'));
    const huge = await keepResponse(alone, responseInfo(c, '2023-02-01', '2023-02-28', '2023-10-03T00:00:00.000Z'), Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20));
    const result = await replay({ ...deps, blobs: alone.blobs, rawContainer: alone.name }, { cities: [c.cityId], from: '2023-02', to: '2023-02', target: uniqueName('side') });
    expect(result).toMatchObject({ cities: 1, months: 1, days: 28, blobsRead: 2 });
    expect(result.skipped).toEqual([{ blob: huge, reason: `${MAX_RESPONSE_BYTES + 1} bytes: larger than a response can be (${MAX_RESPONSE_BYTES} bytes), not read` }]);
  });
});

describe('verify', () => {
  it('reports no difference between the stream and a replay, and reports every planted one', async () => {
    const sideTable = uniqueName('side');
    await replay(deps, { from: '2023-01', to: '2023-08', target: sideTable });
    const clean = await verify({ liveTable: live.table, sideTable: side }, { from: '2023-01', to: '2023-08', sideTable });
    expect(clean).toMatchObject({ compared: 24, differences: [], onlyInStream: [], onlyInBatch: [], truncated: false });

    const sideClient = TableClient.fromConnectionString(connectionString, sideTable, { allowInsecureConnection: true });
    const planted = await sideClient.getEntity<{ max: number }>(ids[1] ?? '', 'M|2023-05');
    await sideClient.updateEntity({ partitionKey: ids[1] ?? '', rowKey: 'M|2023-05', max: planted.max + 1e-9 }, 'Merge');
    await sideClient.deleteEntity(ids[2] ?? '', 'M|2023-06');
    await sideClient.createEntity({ partitionKey: 'nowhere', rowKey: 'M|2023-07', city: 'x' });
    const dirty = await verify({ liveTable: live.table, sideTable: side }, { from: '2023-01', to: '2023-08', sideTable });
    expect(dirty.differences).toEqual([{ cityId: ids[1], month: '2023-05', field: 'max', stream: planted.max, batch: planted.max + 1e-9 }]);
    expect(dirty.onlyInStream).toEqual([{ cityId: ids[2], month: '2023-06' }]);
    expect(dirty.onlyInBatch).toEqual([{ cityId: 'nowhere', month: '2023-07' }]);
    const scoped = await verify({ liveTable: live.table, sideTable: side }, { cities: [ids[0] ?? ''], from: '2023-01', to: '2023-08', sideTable });
    expect(scoped).toMatchObject({ compared: 8, counts: { differences: 0, onlyInStream: 0, onlyInBatch: 0 } });
  });
});

// The seed's Flink query (groupBy year, month → min of minima, max of maxima over every city) as one API call over
// the recorded us50-2023 data, checked against a fold of the raw hourly readings computed here, hour by hour,
// without the aggregation core. Days too: per city and across cities.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createGetAggregatesHandler } from '../../../functions/api/getAggregates.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { newTable } from '../aggregate/fixtures.ts';
import { recorded, recordedEvents } from '../aggregate/recordedData.ts';
import { bodyText, get, httpContext } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');
const FIRST_HOUR = Date.parse('2023-01-01T00:00:00Z');
let handler: ReturnType<typeof createGetAggregatesHandler>;

interface Expected { min: number; max: number; minAt: string; maxAt: string; minCityId: string; maxCityId: string; sum: number; count: number; cities: Set<string> }

/** Hours in time order, and at each hour the cities in cityId order: strict comparisons keep the first extreme. */
function referenceFold(keyOf: (instant: string) => string, cityIds?: ReadonlySet<string>): Map<string, Expected> {
  const cities = recorded.cities.filter((c) => !cityIds || cityIds.has(c.cityId)).sort((a, b) => (a.cityId < b.cityId ? -1 : 1));
  const out = new Map<string, Expected>();
  for (let h = 0; h < recorded.hours; h++) {
    const at = new Date(FIRST_HOUR + h * 3_600_000).toISOString().replace('.000Z', 'Z');
    for (const c of cities) {
      const value = c.cell.temperature_2m[h];
      if (value === null || value === undefined) continue;
      const key = keyOf(at);
      const e = out.get(key) ?? { min: Infinity, max: -Infinity, minAt: '', maxAt: '', minCityId: '', maxCityId: '', sum: 0, count: 0, cities: new Set<string>() };
      if (value < e.min) Object.assign(e, { min: value, minAt: at, minCityId: c.cityId });
      if (value > e.max) Object.assign(e, { max: value, maxAt: at, maxCityId: c.cityId });
      e.sum += value;
      e.count++;
      e.cities.add(c.cityId);
      out.set(key, e);
    }
  }
  return out;
}

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const response = await handler(get(`aggregates?${query}`), httpContext('getAggregates'));
  expect(response.status).toBe(200);
  return (JSON.parse(await bodyText(response)) as { rows: Record<string, unknown>[] }).rows;
}

function expectMatches(actual: Record<string, unknown>[], expected: Map<string, Expected>, across: boolean): void {
  expect(actual.map((r) => r.period)).toEqual([...expected.keys()]);
  for (const row of actual) {
    const e = expected.get(String(row.period))!;
    expect(row, String(row.period)).toMatchObject({ min: e.min, max: e.max, minAt: e.minAt, maxAt: e.maxAt, count: e.count, missingHours: 0 });
    if (across) expect(row, String(row.period)).toMatchObject({ minCityId: e.minCityId, maxCityId: e.maxCityId, cities: e.cities.size });
    expect(row.sum as number).toBeCloseTo(e.sum, 6);
    expect(row.mean as number).toBeCloseTo(e.sum / e.count, 9);
  }
}

beforeAll(async () => {
  const aggregates = await newTable(connectionString, 'recquery');
  const cities = await newTable(connectionString, 'recqcities');
  const byCity = new Map<string, Map<string, DayRecord[]>>();
  for (const event of recordedEvents()) {
    const months = byCity.get(event.cityId) ?? new Map<string, DayRecord[]>();
    months.set(event.date.slice(0, 7), [...(months.get(event.date.slice(0, 7)) ?? []), dayRecord(event)]);
    byCity.set(event.cityId, months);
  }
  for (const c of recorded.cities) {
    await aggregates.table.applyCity(c.cityId, { city: c.city, lat: c.lat, lng: c.lng }, byCity.get(c.cityId)!);
    await cities.client.createEntity({ partitionKey: 'city', rowKey: c.cityId, city: c.city, lat: c.lat, lng: c.lng });
  }
  handler = createGetAggregatesHandler({ aggregates: aggregates.table, cities: cities.client });
}, 120_000);

describe('GET /api/aggregates over the recorded us50-2023 data', () => {
  it('answers groupBy=year,month over every city exactly as a fold of the raw hourly readings', async () => {
    const expected = referenceFold((at) => at.slice(0, 7));
    expect(expected.size).toBe(8);
    const actual = await rows('groupBy=year,month&from=2023-01&to=2023-12');
    expectMatches(actual, expected, true);
    expect(actual.every((r) => r.cities === 50)).toBe(true);
    // Where the month's extremes were, by name, as the Table API of the seed could not say.
    const january = actual[0]!;
    expect(january.minCity).toBe(recorded.cities.find((c) => c.cityId === january.minCityId)!.city);
  });

  it('answers a city\'s days from its stored day records exactly as the raw readings', async () => {
    const city = recorded.cities[7]!;
    const expected = referenceFold((at) => at.slice(0, 10), new Set([city.cityId]));
    const march = new Map([...expected].filter(([key]) => key.startsWith('2023-03')));
    expect(march.size).toBe(31);
    const actual = await rows(`groupBy=city,day&city=${city.cityId}&from=2023-03&to=2023-03`);
    expectMatches(actual, march, false);
    expect(actual.every((r) => r.cityId === city.cityId && r.city === city.city)).toBe(true);
  });

  it('answers days across every city exactly as the raw readings, ties going to the smaller city id', async () => {
    const expected = new Map([...referenceFold((at) => at.slice(0, 10))].filter(([key]) => key.startsWith('2023-02')));
    expectMatches(await rows('groupBy=day&from=2023-02&to=2023-02'), expected, true);
  });
});

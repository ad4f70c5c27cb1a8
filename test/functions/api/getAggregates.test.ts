import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { createGetAggregatesHandler } from '../../../functions/api/getAggregates.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { newTable } from '../aggregate/fixtures.ts';
import { bodyText, get, httpContext } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');
let handler: ReturnType<typeof createGetAggregatesHandler>;
let citiesClient: TableClient;

const place = (city: string) => ({ city, lat: 42.5, lng: -71 });
const day = (date: string, base: number): DayRecord => dayRecord(makeEvent({ date, hourly: Array.from({ length: 24 }, (_, h) => base + h) }));

beforeAll(async () => {
  const aggregates = await newTable(connectionString, 'apiagg');
  citiesClient = (await newTable(connectionString, 'apicities')).client;
  for (const [id, city] of [['peabody-ma-usa', 'Peabody, MA, USA'], ['salem-ma-usa', 'Salem, MA, USA'], ['x', 'Given Id']] as const) {
    await citiesClient.createEntity({ partitionKey: 'city', rowKey: id, city, lat: 42.5, lng: -71, updatedAt: '2023-09-23T10:00:00Z' });
  }
  const months = new Map<string, DayRecord[]>([
    ['2022-12', [day('2022-12-31', -10)]],
    ['2023-01', [day('2023-01-01', 0), day('2023-01-02', 10)]],
    ['2023-02', [day('2023-02-01', 20)]],
  ]);
  await aggregates.table.applyCity('peabody-ma-usa', place('Peabody, MA, USA'), months);
  await aggregates.table.applyCity('salem-ma-usa', place('Salem, MA, USA'), new Map([['2023-01', [day('2023-01-05', 100 - 30)]]]));
  await aggregates.table.applyCity('x', place('Given Id'), new Map([['2023-01', [day('2023-01-05', 1)]]]));
  await citiesClient.createEntity({ partitionKey: 'city', rowKey: 'made-up', city: 'Made Up', lat: 0, lng: 0 });
  const madeUp = (date: string) => dayRecord(makeEvent({ date, source: { api: 'a', fetchedAt: '2023-09-23T10:00:00Z', synthetic: true } }));
  await aggregates.table.applyCity('made-up', place('Made Up'), new Map([['2023-01', [madeUp('2023-01-01')]], ['2023-02', [day('2023-02-01', 1)]]]));
  handler = createGetAggregatesHandler({ aggregates: aggregates.table, cities: citiesClient });
});

async function call(query: string) {
  const response = await handler(get(`aggregates?${query}`), httpContext('getAggregates'));
  return { status: response.status, headers: response.headers as Record<string, string> | undefined, text: await bodyText(response) };
}

describe('createGetAggregatesHandler', () => {
  it('streams month rows as JSON, in month order, with the totals', async () => {
    const { status, text } = await call('city=peabody-ma-usa&from=2022-01&to=2023-12');
    expect(status).toBe(200);
    const body = JSON.parse(text) as { cityId: string; city: string; rows: { period: string; min: number; max: number; mean: number; count: number; minAt: string }[] };
    expect(body).toMatchObject({ cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', from: '2022-01', to: '2023-12', groupBy: 'month' });
    expect(body.rows.map((r) => r.period)).toEqual(['2022-12', '2023-01', '2023-02']);
    expect(body.rows[1]).toMatchObject({ period: '2023-01', min: 0, max: 33, count: 48, mean: 16.5, days: 2, missingHours: 0, minAt: '2023-01-01T00:00:00Z', maxAt: '2023-01-02T23:00:00Z' });
  });

  it('folds months into years and into the whole range, weighting means by count', async () => {
    const years = JSON.parse((await call('city=peabody-ma-usa&from=2022-01&to=2023-12&groupBy=year')).text) as { rows: { period: string; mean: number; count: number }[] };
    expect(years.rows).toMatchObject([{ period: '2022', count: 24, mean: 1.5 }, { period: '2023', count: 72, min: 0, max: 43, mean: (16.5 * 48 + 31.5 * 24) / 72 }]);
    const all = JSON.parse((await call('city=peabody-ma-usa&from=2022-01&to=2023-12&groupBy=all')).text) as { rows: unknown[] };
    expect(all.rows).toMatchObject([{ period: '2022-01..2023-12', count: 96, min: -10, max: 43, days: 4, mean: (1.5 * 24 + 16.5 * 48 + 31.5 * 24) / 96 }]);
  });

  it('answers CSV with a header and one line per row', async () => {
    const { status, headers, text } = await call('city=peabody-ma-usa&from=2023-01&to=2023-02&format=csv');
    expect(status).toBe(200);
    expect(headers?.['content-type']).toMatch(/^text\/csv/);
    expect(text.split('\r\n')).toEqual([
      'period,min,max,mean,count,missingHours,days,minAt,maxAt,synthetic',
      '2023-01,0,33,16.5,48,0,2,2023-01-01T00:00:00Z,2023-01-02T23:00:00Z,',
      '2023-02,20,43,31.5,24,0,1,2023-02-01T00:00:00Z,2023-02-01T23:00:00Z,',
      '',
    ]);
  });

  it('marks rows computed from synthetic days in JSON and CSV, also when folded into a year', async () => {
    const months = JSON.parse((await call('city=made-up&from=2023-01&to=2023-02')).text) as { rows: Record<string, unknown>[] };
    expect(months.rows.map((r) => r.synthetic)).toEqual([true, undefined]);
    const year = JSON.parse((await call('city=made-up&from=2023-01&to=2023-02&groupBy=year')).text) as { rows: Record<string, unknown>[] };
    expect(year.rows[0]?.synthetic).toBe(true);
    const csv = (await call('city=made-up&from=2023-01&to=2023-02&format=csv')).text.split('\r\n');
    expect(csv[1]).toMatch(/^2023-01,.*,true$/);
    expect(csv[2]).toMatch(/^2023-02,.*,$/);
  });

  it('accepts a city name, resolved exactly from the cities table or by its slug', async () => {
    for (const name of ['Salem, MA, USA', 'Given Id']) {
      const body = JSON.parse((await call(`city=${encodeURIComponent(name)}&from=2023-01&to=2023-01`)).text) as { cityId: string; rows: unknown[] };
      expect(body.rows).toHaveLength(1);
    }
    expect(JSON.parse((await call('city=Peabody%20MA%20USA&from=2023-01&to=2023-01')).text)).toMatchObject({ cityId: 'peabody-ma-usa' });
  });

  it('answers an empty row list for a known city with no data in the range', async () => {
    expect(JSON.parse((await call('city=salem-ma-usa&from=2020-01&to=2020-12')).text)).toMatchObject({ rows: [] });
  });

  it('answers 404 naming city for an unknown city', async () => {
    expect(await call('city=atlantis&from=2023-01&to=2023-01')).toMatchObject({ status: 404, text: expect.stringContaining('"parameter":"city"') as string });
  });

  it.each([
    ['no city', 'from=2023-01&to=2023-02', 'city'],
    ['an empty city', 'city=&from=2023-01&to=2023-02', 'city'],
    ['no from', 'city=x&to=2023-02', 'from'],
    ['a from that is a date', 'city=x&from=2023-01-01&to=2023-02', 'from'],
    ['month 13', 'city=x&from=2023-01&to=2023-13', 'to'],
    ['to before from', 'city=x&from=2023-05&to=2023-02', 'to'],
    ['a range over 120 months', 'city=x&from=2000-01&to=2010-01', 'to'],
    ['an unknown groupBy', 'city=x&from=2023-01&to=2023-02&groupBy=day', 'groupBy'],
    ['an unknown format', 'city=x&from=2023-01&to=2023-02&format=xml', 'format'],
    ['an unknown parameter', 'city=x&from=2023-01&to=2023-02&filter=1', 'filter'],
    ['a repeated parameter', 'city=x&city=y&from=2023-01&to=2023-02', 'city'],
  ])('answers 400 naming the parameter for %s', async (_name, query, parameter) => {
    const { status, text } = await call(query);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ parameter });
  });

  it.each([
    "x' or PartitionKey ne '",
    "salem-ma-usa' or PartitionKey eq 'peabody-ma-usa",
    "'",
    '%27',
    "x%27%20or%20PartitionKey%20ne%20%27",
    '../salem-ma-usa',
    'salem-ma-usa/../peabody-ma-usa',
    'peabody-ma-usa#',
    'a'.repeat(5_000),
    'salem-ma-usa\u0000',
  ])('refuses or answers nothing else for the injection attempt %j', async (attempt) => {
    const { status, text } = await call(`city=${encodeURIComponent(attempt)}&from=2022-01&to=2023-12`);
    expect([400, 404]).toContain(status);
    expect(text).not.toMatch(/rows|Peabody|Salem/);
  });
});

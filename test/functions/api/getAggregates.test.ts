import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { createGetAggregatesHandler } from '../../../functions/api/getAggregates.ts';
import type { AggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { newTable } from '../aggregate/fixtures.ts';
import { bodyText, get, httpContext } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');
let handler: ReturnType<typeof createGetAggregatesHandler>;
let aggregates: AggregateTable;
let citiesClient: TableClient;

const CITIES = [
  ['peabody-ma-usa', 'Peabody, MA, USA', 42.53, -70.98],
  ['salem-ma-usa', 'Salem, MA, USA', 42.52, -70.9],
  ['x', 'Given Id', 40.1, -74.2],
  ['suva-fj', 'Suva', -18.14, 178.44],
  ['apia-ws', 'Apia', -13.83, -171.76],
] as const;
const place = (cityId: string) => {
  const [, city, lat, lng] = CITIES.find(([id]) => id === cityId)!;
  return { city, lat, lng };
};
const day = (date: string, base: number): DayRecord => dayRecord(makeEvent({ date, hourly: Array.from({ length: 24 }, (_, h) => base + h) }));

beforeAll(async () => {
  const table = await newTable(connectionString, 'apiagg');
  aggregates = table.table;
  citiesClient = (await newTable(connectionString, 'apicities')).client;
  for (const [id, city, lat, lng] of CITIES) {
    await citiesClient.createEntity({ partitionKey: 'city', rowKey: id, city, lat, lng, updatedAt: '2023-09-23T10:00:00Z' });
  }
  await aggregates.applyCity('peabody-ma-usa', place('peabody-ma-usa'), new Map([
    ['2022-12', [day('2022-12-31', -10)]],
    ['2023-01', [day('2023-01-01', 0), day('2023-01-02', 10)]],
    ['2023-02', [day('2023-02-01', 20)]],
  ]));
  await aggregates.applyCity('salem-ma-usa', place('salem-ma-usa'), new Map([['2023-01', [day('2023-01-05', 70)]]]));
  await aggregates.applyCity('x', place('x'), new Map([['2023-01', [day('2023-01-05', 1)]]]));
  await aggregates.applyCity('suva-fj', place('suva-fj'), new Map([['2023-01', [day('2023-01-05', 25)]]]));
  await aggregates.applyCity('apia-ws', place('apia-ws'), new Map([['2023-01', [day('2023-01-05', 26)]]]));
  handler = createGetAggregatesHandler({ aggregates, cities: citiesClient });
});

async function call(query: string, h = handler) {
  const response = await h(get(`aggregates?${query}`), httpContext('getAggregates'));
  return { status: response.status, headers: response.headers as Record<string, string> | undefined, text: await bodyText(response) };
}

interface Body { columns: string[]; rows: Record<string, unknown>[]; [head: string]: unknown }
const json = async (query: string) => JSON.parse((await call(query)).text) as Body;

describe('createGetAggregatesHandler: one city, as callers used it before cross-city queries', () => {
  it('streams month rows as JSON, in month order, with the totals and the city columns', async () => {
    const { status, text } = await call('city=peabody-ma-usa&from=2022-01&to=2023-12');
    expect(status).toBe(200);
    const body = JSON.parse(text) as Body;
    expect(body).toMatchObject({ cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', from: '2022-01', to: '2023-12', groupBy: 'city,year,month' });
    expect(body.rows.map((r) => r.period)).toEqual(['2022-12', '2023-01', '2023-02']);
    expect(body.rows[1]).toMatchObject({ cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', period: '2023-01', year: 2023, month: 1, min: 0, max: 33, count: 48, sum: 792, mean: 16.5, days: 2, missingHours: 0, minAt: '2023-01-01T00:00:00Z', maxAt: '2023-01-02T23:00:00Z' });
  });

  it('folds months into years and into the whole range, weighting means by count', async () => {
    const years = await json('city=peabody-ma-usa&from=2022-01&to=2023-12&groupBy=year');
    expect(years.rows).toMatchObject([{ period: '2022', count: 24, mean: 1.5 }, { period: '2023', count: 72, min: 0, max: 43, mean: (16.5 * 48 + 31.5 * 24) / 72 }]);
    const all = await json('city=peabody-ma-usa&from=2022-01&to=2023-12&groupBy=all');
    expect(all.rows).toMatchObject([{ period: '2022-01..2023-12', count: 96, min: -10, max: 43, days: 4, mean: (1.5 * 24 + 16.5 * 48 + 31.5 * 24) / 96 }]);
  });

  it('answers CSV with the same columns as the JSON rows, the city and sum included', async () => {
    const { status, headers, text } = await call('city=peabody-ma-usa&from=2023-01&to=2023-02&format=csv');
    expect(status).toBe(200);
    expect(headers?.['content-type']).toMatch(/^text\/csv/);
    expect(text.split('\r\n')).toEqual([
      'cityId,city,lat,lng,period,year,month,min,max,mean,sum,count,missingHours,days,minAt,maxAt,synthetic',
      'peabody-ma-usa,"Peabody, MA, USA",42.53,-70.98,2023-01,2023,1,0,33,16.5,792,48,0,2,2023-01-01T00:00:00Z,2023-01-02T23:00:00Z,',
      'peabody-ma-usa,"Peabody, MA, USA",42.53,-70.98,2023-02,2023,2,20,43,31.5,756,24,0,1,2023-02-01T00:00:00Z,2023-02-01T23:00:00Z,',
      '',
    ]);
    const body = await json('city=peabody-ma-usa&from=2023-01&to=2023-02');
    expect(body.columns.join(',')).toBe(text.split('\r\n')[0]);
    for (const row of body.rows) expect(Object.keys(row)).toEqual(body.columns);
  });

  it('marks rows computed from synthetic days in JSON and CSV, also when folded into a year or across cities', async () => {
    const own = await newTable(connectionString, 'apisynth');
    const cities = (await newTable(connectionString, 'apisynthcities')).client;
    await cities.createEntity({ partitionKey: 'city', rowKey: 'made-up', city: 'Made Up', lat: 0, lng: 0 });
    const madeUp = (date: string) => dayRecord(makeEvent({ date, source: { api: 'a', fetchedAt: '2023-09-23T10:00:00Z', synthetic: true } }));
    await own.table.applyCity('made-up', { city: 'Made Up', lat: 0, lng: 0 }, new Map([['2023-01', [madeUp('2023-01-01')]], ['2023-02', [day('2023-02-01', 1)]]]));
    await own.table.applyCity('x', place('x'), new Map([['2023-01', [day('2023-01-05', 1)]]]));
    const h = createGetAggregatesHandler({ aggregates: own.table, cities });
    const rows = async (query: string) => (JSON.parse((await call(query, h)).text) as Body).rows;
    expect((await rows('city=made-up&from=2023-01&to=2023-02')).map((r) => r.synthetic)).toEqual([true, null]);
    expect((await rows('city=made-up&from=2023-01&to=2023-02&groupBy=year'))[0]?.synthetic).toBe(true);
    expect((await rows('from=2023-01&to=2023-02&groupBy=month')).map((r) => r.synthetic)).toEqual([true, null]);
    expect((await rows('city=made-up&from=2023-01&to=2023-02&groupBy=city,day')).map((r) => r.synthetic)).toEqual([true, null]);
    const csv = (await call('city=made-up&from=2023-01&to=2023-02&format=csv', h)).text.split('\r\n');
    expect(csv[0]).toMatch(/,synthetic$/);
    expect(csv[1]).toMatch(/^made-up,.*,2023-01,.*,true$/);
    expect(csv[2]).toMatch(/^made-up,.*,2023-02,.*,$/);
  });

  it('accepts a city name, resolved exactly from the cities table or by its slug', async () => {
    for (const name of ['Salem, MA, USA', 'Given Id']) {
      const body = await json(`city=${encodeURIComponent(name)}&from=2023-01&to=2023-01`);
      expect(body.rows).toHaveLength(1);
      expect(body.rows[0]!.city).toBe(name);
    }
    expect(await json('city=Peabody%20MA%20USA&from=2023-01&to=2023-01')).toMatchObject({ cityId: 'peabody-ma-usa' });
  });

  it('answers an empty row list for a known city with no data in the range', async () => {
    expect(await json('city=salem-ma-usa&from=2020-01&to=2020-12')).toMatchObject({ rows: [] });
  });

  it('answers 404 naming city for an unknown city, and names every unknown item of a list', async () => {
    expect(await call('city=atlantis&from=2023-01&to=2023-01')).toMatchObject({ status: 404, text: expect.stringContaining('"parameter":"city"') as string });
    const list = await call('city=x,atlantis,"El Dorado"&from=2023-01&to=2023-01');
    expect(list.status).toBe(404);
    expect(JSON.parse(list.text).error).toMatch(/"atlantis", "El Dorado"/);
  });
});

describe('createGetAggregatesHandler: across cities', () => {
  it('answers the seed query in one call: per month the minimum of minima and maximum of maxima over every city, and where', async () => {
    const body = await json('from=2023-01&to=2023-02&groupBy=year,month');
    expect(body).toMatchObject({ groupBy: 'year,month', from: '2023-01', to: '2023-02' });
    expect(body).not.toHaveProperty('cityId');
    expect(body.columns).toEqual(['period', 'year', 'month', 'min', 'max', 'mean', 'sum', 'count', 'missingHours', 'days', 'minAt', 'maxAt', 'minCity', 'minCityId', 'maxCity', 'maxCityId', 'cities']);
    const sums = [0, 10, 70, 1, 25, 26].map((base) => 24 * base + 276);
    expect(body.rows).toEqual([
      {
        period: '2023-01', year: 2023, month: 1, min: 0, max: 93, mean: sums.reduce((a, b) => a + b) / 144, sum: sums.reduce((a, b) => a + b), count: 144, missingHours: 0, days: 6,
        minAt: '2023-01-01T00:00:00Z', maxAt: '2023-01-05T23:00:00Z', minCity: 'Peabody, MA, USA', minCityId: 'peabody-ma-usa', maxCity: 'Salem, MA, USA', maxCityId: 'salem-ma-usa', cities: 5,
      },
      {
        period: '2023-02', year: 2023, month: 2, min: 20, max: 43, mean: 31.5, sum: 756, count: 24, missingHours: 0, days: 1,
        minAt: '2023-02-01T00:00:00Z', maxAt: '2023-02-01T23:00:00Z', minCity: 'Peabody, MA, USA', minCityId: 'peabody-ma-usa', maxCity: 'Peabody, MA, USA', maxCityId: 'peabody-ma-usa', cities: 1,
      },
    ]);
  });

  it('groups by city, a list of ids and quoted names, each city once however often it is named', async () => {
    const body = await json(`city=${encodeURIComponent('salem-ma-usa,"Peabody, MA, USA",x,salem-ma-usa')}&from=2023-01&to=2023-01&groupBy=city`);
    expect(body.selectedCities).toEqual([{ cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA' }, { cityId: 'salem-ma-usa', city: 'Salem, MA, USA' }, { cityId: 'x', city: 'Given Id' }]);
    expect(body.rows.map((r) => [r.cityId, r.count, r.period])).toEqual([['peabody-ma-usa', 48, '2023-01..2023-01'], ['salem-ma-usa', 24, '2023-01..2023-01'], ['x', 24, '2023-01..2023-01']]);
  });

  it('folds the listed cities only, once each', async () => {
    const body = await json('city=x,suva-fj,x&from=2023-01&to=2023-12&groupBy=all');
    expect(body.rows).toMatchObject([{ period: '2023-01..2023-12', min: 1, max: 48, count: 48, cities: 2, minCityId: 'x', maxCity: 'Suva' }]);
  });

  it('answers days from the stored day records, per city or across cities', async () => {
    const perCity = await json('groupBy=city,day&from=2023-01&to=2023-01&city=peabody-ma-usa,salem-ma-usa');
    expect(perCity.rows.map((r) => [r.cityId, r.period, r.day, r.min, r.max])).toEqual([
      ['peabody-ma-usa', '2023-01-01', 1, 0, 23],
      ['peabody-ma-usa', '2023-01-02', 2, 10, 33],
      ['salem-ma-usa', '2023-01-05', 5, 70, 93],
    ]);
    const across = await json('groupBy=day&from=2022-12&to=2023-02');
    expect(across.rows.map((r) => [r.period, r.cities, r.min, r.minCityId, r.max, r.maxCityId])).toEqual([
      ['2022-12-31', 1, -10, 'peabody-ma-usa', 13, 'peabody-ma-usa'],
      ['2023-01-01', 1, 0, 'peabody-ma-usa', 23, 'peabody-ma-usa'],
      ['2023-01-02', 1, 10, 'peabody-ma-usa', 33, 'peabody-ma-usa'],
      ['2023-01-05', 4, 1, 'x', 93, 'salem-ma-usa'],
      ['2023-02-01', 1, 20, 'peabody-ma-usa', 43, 'peabody-ma-usa'],
    ]);
  });

  it('keeps only the cities inside a bbox, and a box with minLng > maxLng crosses the antimeridian', async () => {
    const box = await json('bbox=42,-71.5,43,-70&groupBy=city&from=2023-01&to=2023-12');
    expect(box.rows.map((r) => r.cityId)).toEqual(['peabody-ma-usa', 'salem-ma-usa']);
    expect(box.bbox).toEqual({ minLat: 42, minLng: -71.5, maxLat: 43, maxLng: -70 });
    const pacific = await json('bbox=-25,170,0,-165&groupBy=city&from=2023-01&to=2023-12');
    expect(pacific.rows.map((r) => r.cityId)).toEqual(['apia-ws', 'suva-fj']);
    const withList = await json('bbox=-25,170,0,-165&city=suva-fj,x&groupBy=city&from=2023-01&to=2023-12');
    expect(withList.rows.map((r) => r.cityId)).toEqual(['suva-fj']);
  });

  it('answers one empty row without dimensions when nothing matches, and no rows with them', async () => {
    expect((await json('from=1999-01&to=1999-12&groupBy=all')).rows).toMatchObject([{ period: '1999-01..1999-12', count: 0, min: null, cities: 0 }]);
    expect((await json('from=1999-01&to=1999-12&groupBy=year,month')).rows).toEqual([]);
  });

  it('streams: the first day rows leave before the table is read to the end', async () => {
    // One city, two years of months, read two entities per page: rows must flow while pages remain unread.
    const { table } = await newTable(connectionString, 'apistream');
    const months = new Map<string, DayRecord[]>();
    for (let m = 0; m < 24; m++) {
      const month = `${2021 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      months.set(month, [day(`${month}-01`, m), day(`${month}-02`, m)]);
    }
    await table.applyCity('peabody-ma-usa', place('peabody-ma-usa'), months);
    for (const query of ['groupBy=city,day&city=peabody-ma-usa', 'groupBy=city,day', 'groupBy=day']) {
      let read = 0;
      const counting: AggregateTable = {
        ...table,
        async *listMonthEntities(range) {
          for await (const entity of table.listMonthEntities(range)) {
            read++;
            yield entity;
          }
        },
      };
      const streaming = createGetAggregatesHandler({ aggregates: counting, cities: citiesClient, pageSize: 2 });
      const response = await streaming(get(`aggregates?${query}&from=2021-01&to=2022-12`), httpContext('getAggregates'));
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const readAtRow: number[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        if (text.includes('"period":"')) readAtRow.push(read);
      }
      expect(read, query).toBe(24);
      expect(JSON.parse(text).rows, query).toHaveLength(48);
      // Per city: the first row once its first page (2 entities) is in. Across cities: once the first year is.
      expect(readAtRow[0], query).toBeLessThanOrEqual(query.includes('city') ? 2 : 12);
    }
  });
});

describe('createGetAggregatesHandler: validation', () => {
  it.each([
    ['an empty city', 'city=&from=2023-01&to=2023-02', 'city'],
    ['a city list with an empty item', 'city=x,,salem-ma-usa&from=2023-01&to=2023-02', 'city'],
    ['a city list ending in a comma', 'city=x,&from=2023-01&to=2023-02', 'city'],
    ['an unclosed quote', 'city=%22Salem, MA&from=2023-01&to=2023-02', 'city'],
    ['a quote inside a name', 'city=Sa%22lem&from=2023-01&to=2023-02', 'city'],
    ['101 cities', `city=${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}&from=2023-01&to=2023-02`, 'city'],
    ['no from', 'city=x&to=2023-02', 'from'],
    ['a from that is a date', 'city=x&from=2023-01-01&to=2023-02', 'from'],
    ['month 13', 'city=x&from=2023-01&to=2023-13', 'to'],
    ['to before from', 'city=x&from=2023-05&to=2023-02', 'to'],
    ['a range over 120 months', 'from=2000-01&to=2010-01', 'to'],
    ['an unknown groupBy', 'from=2023-01&to=2023-02&groupBy=week', 'groupBy'],
    ['a groupBy dimension twice', 'from=2023-01&to=2023-02&groupBy=city,city', 'groupBy'],
    ['a bbox of three numbers', 'from=2023-01&to=2023-02&bbox=1,2,3', 'bbox'],
    ['a bbox latitude of 91', 'from=2023-01&to=2023-02&bbox=0,0,91,10', 'bbox'],
    ['a bbox upside down', 'from=2023-01&to=2023-02&bbox=10,0,0,10', 'bbox'],
    ['a bbox in words', 'from=2023-01&to=2023-02&bbox=north,0,1,1', 'bbox'],
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
    'x,salem-ma-usa\' or \'1\' eq \'1',
  ])('refuses or answers nothing else for the injection attempt %j', async (attempt) => {
    const { status, text } = await call(`city=${encodeURIComponent(attempt)}&from=2022-01&to=2023-12`);
    expect([400, 404]).toContain(status);
    expect(text).not.toMatch(/rows|Peabody|Salem/);
  });
});

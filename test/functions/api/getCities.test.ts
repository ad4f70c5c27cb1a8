import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { createGetCitiesHandler } from '../../../functions/api/getCities.ts';
import { newTable } from '../aggregate/fixtures.ts';
import { bodyText, get, httpContext } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');
let cities: TableClient;
let handler: ReturnType<typeof createGetCitiesHandler>;

beforeAll(async () => {
  cities = (await newTable(connectionString, 'apicitylist')).client;
  for (let i = 0; i < 7; i++) {
    await cities.createEntity({ partitionKey: 'city', rowKey: `city-${i}`, city: `City ${i}`, lat: i, lng: -i, updatedAt: '2023-09-23T10:00:00Z' });
  }
  await cities.createEntity({ partitionKey: 'other', rowKey: 'not-a-city', city: 'Nope', lat: 0, lng: 0 });
  handler = createGetCitiesHandler({ cities });
});

async function page(query: string) {
  const response = await handler(get(`cities?${query}`), httpContext('getCities'));
  return { status: response.status, body: JSON.parse(await bodyText(response)) as { cities: { cityId: string }[]; continuationToken?: string; parameter?: string } };
}

describe('createGetCitiesHandler', () => {
  it('lists every city once across pages, following the continuation token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await page(`pageSize=3${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
      expect(status).toBe(200);
      expect(body.cities.length).toBeLessThanOrEqual(3);
      seen.push(...body.cities.map((c) => c.cityId));
      token = body.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `city-${i}`));
  });

  it('returns city, coordinates and update time', async () => {
    const { body } = await page('');
    expect(body.cities[0]).toEqual({ cityId: 'city-0', city: 'City 0', lat: 0, lng: 0, updatedAt: '2023-09-23T10:00:00Z' });
    expect(body.cities).toHaveLength(7);
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['pageSize=1001', 'pageSize'],
    ['pageSize=ten', 'pageSize'],
    ['continuationToken=%27%20or%201', 'continuationToken'],
    ['continuationToken=abcd', 'continuationToken'],
    ['continuationToken=bm90IGpzb24', 'continuationToken'],
    [`continuationToken=${Buffer.from('{"nextPartitionKey":42}').toString('base64')}`, 'continuationToken'],
    [`continuationToken=${Buffer.from('[1,2]').toString('base64')}`, 'continuationToken'],
    [`continuationToken=${Buffer.from('{"nextPartitionKey":"city","nextRowKey":"x","extra":1}').toString('base64')}`, 'continuationToken'],
    [`continuationToken=${Buffer.from('{"nextPartitionKey":"ci\\u0000ty"}').toString('base64')}`, 'continuationToken'],
    ['top=5', 'top'],
  ])('answers 400 naming the parameter for %s', async (query, parameter) => {
    expect(await page(query)).toMatchObject({ status: 400, body: { parameter } });
  });

  it('takes a well-formed token that points nowhere as an empty last page, even one holding an OData fragment', async () => {
    for (const key of ['zzzz', "city' or PartitionKey ne '"]) {
      const token = Buffer.from(JSON.stringify({ nextPartitionKey: key, nextRowKey: 'city-3' })).toString('base64');
      const { status, body } = await page(`continuationToken=${encodeURIComponent(token)}`);
      expect(status).toBe(200);
      expect(body.cities.every((c) => c.cityId.startsWith('city-'))).toBe(true);
    }
  });
});

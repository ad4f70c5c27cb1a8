import { TableClient } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createCityRegistry, type CityRegistry } from '../../../functions/adapters/cityRegistry.ts';

describe('createCityRegistry', () => {
  let table: TableClient;
  let registry: CityRegistry;
  beforeAll(async () => {
    table = TableClient.fromConnectionString(inject('azuriteConnectionString'), `cityreg${randomBytes(4).toString('hex')}`, { allowInsecureConnection: true });
    await table.createTable();
    registry = createCityRegistry(table);
  });

  it('upserts more than one transaction of cities, collapses repeats, and lists them back with numbers as numbers', async () => {
    const cities = Array.from({ length: 250 }, (_, i) => ({ cityId: `c${String(i).padStart(3, '0')}`, city: `City ${i}`, lat: i % 90, lng: -(i % 180) + 0.5 }));
    await registry.upsert([...cities, { ...cities[0]!, city: 'Renamed' }], new Date('2024-05-01T00:00:00Z'));
    const listed = [];
    for await (const city of registry.list()) listed.push(city);
    expect(listed).toHaveLength(250);
    expect(listed[0]).toEqual({ cityId: 'c000', city: 'Renamed', lat: 0, lng: 0.5, updatedAt: new Date('2024-05-01T00:00:00Z') });
    expect(listed[42]).toMatchObject({ cityId: 'c042', lat: 42, lng: -41.5 });
    expect(typeof listed[1]!.lat).toBe('number');
  });

  it('replaces a city on a later upsert', async () => {
    await registry.upsert([{ cityId: 'c001', city: 'Moved', lat: 10, lng: 20 }], new Date('2024-06-01T00:00:00Z'));
    const entity = await table.getEntity<{ city: string; lat: number }>('city', 'c001');
    expect(entity).toMatchObject({ city: 'Moved', lat: 10 });
  });
});

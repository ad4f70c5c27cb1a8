import type { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { fromMonthEntity } from '../../../functions/core/aggregate/monthEntity.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { newTable } from '../aggregate/fixtures.ts';

const connectionString = inject('azuriteConnectionString');
const place = { city: 'Salem, MA, USA', lat: 42.5, lng: -70.9 };
const record = (date: string): DayRecord => dayRecord(makeEvent({ date, source: { api: 'a', fetchedAt: '2023-09-23T10:00:00Z' } }));
const monthsOf = (...dates: string[]) => {
  const months = new Map<string, DayRecord[]>();
  for (const date of dates) months.set(date.slice(0, 7), [...(months.get(date.slice(0, 7)) ?? []), record(date)]);
  return months;
};
const daysIn = async (client: TableClient, month: string) => [...fromMonthEntity(await client.getEntity('salem', `M|${month}`)).state.keys()].sort();
const noSleep = () => {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
};

describe('createAggregateTable with cached months', () => {
  it('merges a city\'s next batches onto what it wrote, without reading first', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    const table = createAggregateTable(client, { cachedMonths: 100 });
    expect(await table.applyCity('salem', place, monthsOf('2023-01-01', '2023-01-02'))).toMatchObject({ operations: 2, attempts: 1 });
    // Jan is updated with the ETag its create returned; Feb is created: one transaction, no read.
    expect(await table.applyCity('salem', place, monthsOf('2023-01-03', '2023-02-01'))).toEqual({ changedDays: 2, writtenMonths: 2, operations: 1, attempts: 1 });
    expect(await table.applyCity('salem', place, monthsOf('2023-01-03', '2023-02-01'))).toEqual({ changedDays: 0, writtenMonths: 0, operations: 0, attempts: 1 });
    expect(await daysIn(client, '2023-01')).toEqual(['2023-01-01', '2023-01-02', '2023-01-03']);
    expect(await daysIn(client, '2023-02')).toEqual(['2023-02-01']);
  });

  it('re-reads at once, without backing off, when another writer changed a month since (412)', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    const { sleeps, sleep } = noSleep();
    const cached = createAggregateTable(client, { cachedMonths: 100, sleep });
    await cached.applyCity('salem', place, monthsOf('2023-01-01'));
    await createAggregateTable(client).applyCity('salem', place, monthsOf('2023-01-02'));
    // The failed transaction, the read, the transaction that wins.
    expect(await cached.applyCity('salem', place, monthsOf('2023-01-03'))).toMatchObject({ changedDays: 1, operations: 3, attempts: 2 });
    expect(await daysIn(client, '2023-01')).toEqual(['2023-01-01', '2023-01-02', '2023-01-03']);
    expect(sleeps).toEqual([]);
  });

  it('re-reads when another writer created a month it took for absent (409)', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    const cached = createAggregateTable(client, { cachedMonths: 100 });
    await cached.applyCity('salem', place, monthsOf('2023-01-01'));
    await createAggregateTable(client).applyCity('salem', place, monthsOf('2023-02-01'));
    expect(await cached.applyCity('salem', place, monthsOf('2023-02-02'))).toMatchObject({ changedDays: 1, attempts: 2 });
    expect(await daysIn(client, '2023-02')).toEqual(['2023-02-01', '2023-02-02']);
  });

  it('creates again a month deleted behind its back (404)', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    const cached = createAggregateTable(client, { cachedMonths: 100 });
    await cached.applyCity('salem', place, monthsOf('2023-01-01'));
    await client.deleteEntity('salem', 'M|2023-01');
    expect(await cached.applyCity('salem', place, monthsOf('2023-01-02'))).toMatchObject({ changedDays: 1, attempts: 2 });
    expect(await daysIn(client, '2023-01')).toEqual(['2023-01-02']);
  });

  it('forgets a city whose write failed for any other reason, and reads it before the next write', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    let failNext = false;
    const flaky = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'submitTransaction') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<TableClient['submitTransaction']>) => {
          if (failNext) {
            failNext = false;
            // The answer was lost: the write may or may not have happened.
            await target.submitTransaction(...args);
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          }
          return target.submitTransaction(...args);
        };
      },
    });
    const cached = createAggregateTable(flaky, { cachedMonths: 100 });
    await cached.applyCity('salem', place, monthsOf('2023-01-01'));
    failNext = true;
    await expect(cached.applyCity('salem', place, monthsOf('2023-01-02'))).rejects.toThrow('socket hang up');
    // The day did land, under an ETag the cache never saw: a cached write would fail; a read sees it applied.
    expect(await cached.applyCity('salem', place, monthsOf('2023-01-02', '2023-01-03'))).toEqual({ changedDays: 1, writtenMonths: 1, operations: 2, attempts: 1 });
    expect(await daysIn(client, '2023-01')).toEqual(['2023-01-01', '2023-01-02', '2023-01-03']);
  });

  it('reads before every write when caching is off, as by default', async () => {
    const { client } = await newTable(connectionString, 'aggcache');
    const table = createAggregateTable(client);
    await table.applyCity('salem', place, monthsOf('2023-01-01'));
    expect(await table.applyCity('salem', place, monthsOf('2023-01-02'))).toMatchObject({ operations: 2, attempts: 1 });
    expect(await table.applyCity('salem', place, monthsOf('2023-01-02'))).toMatchObject({ operations: 1, changedDays: 0 });
  });
});

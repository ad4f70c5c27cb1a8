import type { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { createAggregateTable, isWriteConflict } from '../../../functions/adapters/aggregateTable.ts';
import { dayRecord, type DayRecord } from '../../../functions/core/aggregate/dayPartial.ts';
import { fromMonthEntity } from '../../../functions/core/aggregate/monthEntity.ts';
import { UpstreamError } from '../../../functions/errors.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { newTable } from '../aggregate/fixtures.ts';

const connectionString = inject('azuriteConnectionString');
const place = { city: 'Salem, MA, USA', lat: 42.5, lng: -70.9 };
const record = (date: string, fetchedAt = '2023-09-23T10:00:00Z'): DayRecord => dayRecord(makeEvent({ date, source: { api: 'a', fetchedAt } }));
/**
 * The client, except that its first `n` transactions wait until all `n` have been asked for: every writer has read
 * the entity before any writes it, so conflicts are certain, not a matter of how Azurite schedules the requests.
 */
const heldTogether = (client: TableClient, n: number): TableClient => {
  let waiting = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => (release = resolve));
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'submitTransaction') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: Parameters<TableClient['submitTransaction']>) => {
        if (waiting < n && ++waiting === n) release();
        await allArrived;
        return target.submitTransaction(...args);
      };
    },
  });
};
const monthsOf = (records: DayRecord[]) => {
  const months = new Map<string, DayRecord[]>();
  for (const r of records) months.set(r.date.slice(0, 7), [...(months.get(r.date.slice(0, 7)) ?? []), r]);
  return months;
};

describe('createAggregateTable', () => {
  it('reads once and writes once per city however many days and months it applies', async () => {
    const { table } = await newTable(connectionString, 'aggtable');
    const days = Array.from({ length: 90 }, (_, i) => record(new Date(Date.UTC(2023, 0, 1 + i)).toISOString().slice(0, 10)));
    expect(await table.applyCity('salem', place, monthsOf(days))).toEqual({ changedDays: 90, writtenMonths: 3, operations: 2, attempts: 1 });
    expect(await table.applyCity('salem', place, monthsOf(days))).toEqual({ changedDays: 0, writtenMonths: 0, operations: 1, attempts: 1 });
  });

  it('splits more than 100 touched months into several entity-group transactions', async () => {
    const { table, client } = await newTable(connectionString, 'aggtable');
    const days = Array.from({ length: 120 }, (_, i) => record(`${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`));
    expect(await table.applyCity('salem', place, monthsOf(days))).toMatchObject({ writtenMonths: 120, operations: 3 });
    let n = 0;
    for await (const _ of client.listEntities()) n++;
    expect(n).toBe(120);
  });

  it('re-reads and re-merges on conflicts so concurrent writers of one entity lose nothing', async () => {
    const { client } = await newTable(connectionString, 'aggtable');
    const table = createAggregateTable(heldTogether(client, 8));
    const writers = Array.from({ length: 8 }, (_, w) => [record(`2023-05-${String(w + 1).padStart(2, '0')}`), record(`2023-06-${String(w + 1).padStart(2, '0')}`)]);
    const results = await Promise.all(writers.map((days) => table.applyCity('salem', place, monthsOf(days))));
    const may = fromMonthEntity(await client.getEntity('salem', 'M|2023-05'));
    expect([...may.state.keys()].sort()).toEqual(writers.map((_, w) => `2023-05-${String(w + 1).padStart(2, '0')}`));
    expect(fromMonthEntity(await client.getEntity('salem', 'M|2023-06')).totals.days).toBe(8);
    // Eight writers that all read before any writes: one wins its first attempt, the seven others must retry.
    expect(results.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThanOrEqual(15);
  });

  it('throws an UpstreamError when conflicts outlast its attempts', async () => {
    const { client } = await newTable(connectionString, 'aggtable');
    const table = createAggregateTable(heldTogether(client, 8), { maxAttempts: 1 });
    const writers = Array.from({ length: 8 }, (_, w) => [record(`2023-05-${String(w + 1).padStart(2, '0')}`)]);
    const results = await Promise.allSettled(writers.map((days) => table.applyCity('salem', place, monthsOf(days))));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
    expect(failures).toHaveLength(7);
    for (const failure of failures) expect(failure).toBeInstanceOf(UpstreamError);
  });

  it('lists month entities of one city in a range, and of every city', async () => {
    const { table } = await newTable(connectionString, 'aggtable');
    await table.applyCity('a', place, monthsOf([record('2023-01-01'), record('2023-02-01'), record('2023-03-01')]));
    await table.applyCity('b', place, monthsOf([record('2023-02-02')]));
    const keys = async (range: Parameters<typeof table.listMonthEntities>[0]) => {
      const out: string[] = [];
      for await (const e of table.listMonthEntities(range)) out.push(`${String(e.partitionKey)}/${String(e.rowKey)}`);
      return out;
    };
    expect(await keys({ cityId: 'a', from: '2023-02', to: '2023-03' })).toEqual(['a/M|2023-02', 'a/M|2023-03']);
    expect(await keys({ from: '2023-02', to: '2023-02' })).toEqual(['a/M|2023-02', 'b/M|2023-02']);
    expect(await keys({ cityId: "a' or PartitionKey ne '", from: '2023-01', to: '2023-12' })).toEqual([]);
  });
});

describe('isWriteConflict', () => {
  it.each([[412, true], [409, true], [404, false], [500, false]])('classifies status %i as a conflict: %s', (statusCode, expected) => {
    expect(isWriteConflict({ statusCode })).toBe(expected);
  });
});

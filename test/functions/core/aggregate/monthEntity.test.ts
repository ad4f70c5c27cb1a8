import { describe, expect, it } from 'vitest';
import { dayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { EMPTY_MONTH, mergeDays } from '../../../../functions/core/aggregate/mergeDays.ts';
import { fromMonthEntity, monthAggregate, monthTotalsFromEntity, toMonthEntity } from '../../../../functions/core/aggregate/monthEntity.ts';
import { makeEvent } from './makeEvent.ts';

const place = { city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786 };
const fullMonth = mergeDays(EMPTY_MONTH, Array.from({ length: 31 }, (_, i) =>
  dayRecord(makeEvent({
    date: `2023-01-${String(i + 1).padStart(2, '0')}`,
    hourly: Array.from({ length: 24 }, (_, h) => -40 + ((i * 24 + h) * 0.37) % 80),
    source: { api: 'a', fetchedAt: '2023-09-23T10:11:12.345Z' },
  })))).month;

describe('toMonthEntity', () => {
  it('keys by cityId and M|YYYY-MM and keeps 31 days well under the 64 KiB property limit', () => {
    const entity = toMonthEntity(monthAggregate('peabody-ma-usa', '2023-01', place, fullMonth));
    expect(entity).toMatchObject({ partitionKey: 'peabody-ma-usa', rowKey: 'M|2023-01', days: 31, count: 744, missingHours: 0 });
    expect(entity.dayPartials.length).toBeLessThan(4_000);
  });

  it('omits the extremes and mean of a month with no readings', () => {
    const empty = mergeDays(EMPTY_MONTH, [dayRecord(makeEvent({ hourly: Array<null>(24).fill(null) }))]).month;
    const entity = toMonthEntity(monthAggregate('c', '2023-01', place, empty));
    expect(Object.keys(entity)).not.toContain('min');
    expect(Object.keys(entity)).not.toContain('mean');
    expect(entity.missingHours).toBe(24);
  });
});

describe('fromMonthEntity', () => {
  it('round-trips an aggregate exactly', () => {
    const aggregate = monthAggregate('peabody-ma-usa', '2023-01', place, fullMonth);
    const decoded = fromMonthEntity(JSON.parse(JSON.stringify({ ...toMonthEntity(aggregate), etag: 'W/"x"' })) as Record<string, unknown>);
    expect(decoded).toEqual(aggregate);
  });

  it('keeps a synthetic day through the entity: the day, the month totals and a typed property a query reads', () => {
    const synthetic = dayRecord(makeEvent({ date: '2023-01-15', hourly: Array<number>(24).fill(1), source: { api: 'a', fetchedAt: '2023-09-24T00:00:00Z', synthetic: true } }));
    const month = mergeDays(fullMonth, [synthetic]).month;
    const aggregate = monthAggregate('c', '2023-01', place, month);
    expect(aggregate.totals.synthetic).toBe(true);
    const entity = toMonthEntity(aggregate);
    expect(entity.synthetic).toBe(true);
    expect(JSON.parse(entity.dayPartials)['2023-01-15']).toHaveLength(9);
    expect(JSON.parse(entity.dayPartials)['2023-01-14']).toHaveLength(8);
    const decoded = fromMonthEntity(JSON.parse(JSON.stringify(entity)) as Record<string, unknown>);
    expect(decoded).toEqual(aggregate);
    expect(decoded.state.get('2023-01-15')?.synthetic).toBe(true);
    expect(monthTotalsFromEntity(entity as unknown as Record<string, unknown>).totals.synthetic).toBe(true);
    // Real data for that day replaces the made-up one, and the month is weather again.
    const real = dayRecord(makeEvent({ date: '2023-01-15', hourly: Array<number>(24).fill(1), source: { api: 'a', fetchedAt: '2023-09-25T00:00:00Z' } }));
    const fixed = toMonthEntity(monthAggregate('c', '2023-01', place, mergeDays(month, [real]).month));
    expect(fixed).not.toHaveProperty('synthetic');
  });

  const good = toMonthEntity(monthAggregate('c', '2023-01', place, fullMonth)) as unknown as Record<string, unknown>;
  it.each([
    ['a RowKey that is not a month', { ...good, rowKey: 'M|2023-13' }, 'rowKey'],
    ['no city name', { ...good, city: undefined }, 'city'],
    ['dayPartials that are not JSON', { ...good, dayPartials: '{' }, 'dayPartials'],
    ['a day outside the month', { ...good, dayPartials: JSON.stringify({ '2023-02-01': [1, 1, 1, 1, 0, 0, 0, 'x'] }) }, 'dayPartials'],
    ['a ninth entry that is not the synthetic mark', { ...good, dayPartials: JSON.stringify({ '2023-01-01': [1, 1, 1, 1, 0, 0, 0, 'x', true] }) }, 'dayPartials'],
    ['a short day entry', { ...good, dayPartials: JSON.stringify({ '2023-01-01': [1, 1] }) }, 'dayPartials'],
    ['a bad hour', { ...good, dayPartials: JSON.stringify({ '2023-01-01': [1, 1, 1, 1, 0, 24, 0, 'x'] }) }, 'dayPartials'],
  ])('throws a ValidationError naming the property for %s', (_name, entity, field) => {
    expect(() => fromMonthEntity(entity)).toThrow(expect.objectContaining({ field }) as Error);
  });
});

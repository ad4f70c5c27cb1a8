import { describe, expect, it } from 'vitest';
import { dayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { EMPTY_MONTH, mergeDays } from '../../../../functions/core/aggregate/mergeDays.ts';
import { TOTAL_PROPERTIES, fromMonthEntity, monthAggregate, monthRowKey, monthTotalsFromEntity, toMonthEntity } from '../../../../functions/core/aggregate/monthEntity.ts';
import { EMPTY_TOTALS } from '../../../../functions/core/aggregate/deriveTotals.ts';
import { ValidationError } from '../../../../functions/errors.ts';
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

describe('toMonthEntity, field by field', () => {
  it('writes each day as [min, max, sum, count, missing, minHour, maxHour, fetchedAt] in date order, and the typed totals', () => {
    const state = mergeDays(EMPTY_MONTH, [
      dayRecord(makeEvent({ date: '2023-01-02', hourly: Array<null>(24).fill(null), source: { api: 'a', fetchedAt: '2023-01-03T00:00:00Z' } })),
      dayRecord(makeEvent({ date: '2023-01-01', hourly: Array.from({ length: 24 }, (_, h) => (h === 4 ? -2 : h === 9 ? 6 : 1)), source: { api: 'a', fetchedAt: '2023-01-02T00:00:00Z' } })),
    ]).month;
    const entity = toMonthEntity(monthAggregate('c', '2023-01', place, state));
    expect(entity).toEqual({
      partitionKey: 'c',
      rowKey: 'M|2023-01',
      month: '2023-01',
      city: place.city,
      lat: place.lat,
      lng: place.lng,
      dayPartials: '{"2023-01-01":[-2,6,26,24,0,4,9,"2023-01-02T00:00:00Z"],"2023-01-02":[null,null,0,0,24,null,null,"2023-01-03T00:00:00Z"]}',
      sum: 26,
      count: 24,
      missingHours: 24,
      days: 2,
      min: -2,
      max: 6,
      mean: 26 / 24,
      minAt: '2023-01-01T04:00:00Z',
      maxAt: '2023-01-01T09:00:00Z',
    });
  });

  it('keeps a zero min, max and mean (only null is left out)', () => {
    const zero = mergeDays(EMPTY_MONTH, [dayRecord(makeEvent({ hourly: Array<number>(24).fill(0) }))]).month;
    expect(toMonthEntity(monthAggregate('c', '2023-01', place, zero))).toMatchObject({ min: 0, max: 0, mean: 0, minAt: '2023-01-01T00:00:00Z', maxAt: '2023-01-01T00:00:00Z' });
  });

  it('leaves out every extreme, the mean and both instants of a month with no readings', () => {
    const empty = mergeDays(EMPTY_MONTH, [dayRecord(makeEvent({ hourly: Array<null>(24).fill(null) }))]).month;
    const keys = Object.keys(toMonthEntity(monthAggregate('c', '2023-01', place, empty)));
    for (const key of ['min', 'max', 'mean', 'minAt', 'maxAt']) expect(keys).not.toContain(key);
  });
});

describe('monthRowKey', () => {
  it('prefixes the month with M|', () => {
    expect(monthRowKey('2023-04')).toBe('M|2023-04');
  });
});

describe('fromMonthEntity, strictly', () => {
  const good = toMonthEntity(monthAggregate('c', '2023-01', place, fullMonth)) as unknown as Record<string, unknown>;
  const day = (entry: unknown[]) => ({ ...good, dayPartials: JSON.stringify({ '2023-01-01': entry }) });
  const ok = [1, 2, 3, 24, 0, 0, 23, '2023-01-02T00:00:00Z'];
  const withEntry = (index: number, value: unknown) => day(ok.map((v, i) => (i === index ? value : v)));

  it('round-trips a day with no readings (null extremes and hours) and a day at the limits (24 readings, hour 23)', () => {
    const state = mergeDays(EMPTY_MONTH, [
      dayRecord(makeEvent({ date: '2023-01-01', hourly: Array<null>(24).fill(null) })),
      dayRecord(makeEvent({ date: '2023-01-02', hourly: Array.from({ length: 24 }, (_, h) => h) })),
    ]).month;
    const aggregate = monthAggregate('c', '2023-01', place, state);
    expect(fromMonthEntity(JSON.parse(JSON.stringify(toMonthEntity(aggregate))) as Record<string, unknown>)).toEqual(aggregate);
  });

  it.each([
    ['min as text', withEntry(0, '1')],
    ['min too large for a double (1e400 parses to Infinity)', { ...good, dayPartials: '{"2023-01-01":[1e400,2,3,24,0,0,23,"x"]}' }],
    ['max as text', withEntry(1, 'x')],
    ['sum as text', withEntry(2, '3')],
    ['count 25', withEntry(3, 25)],
    ['count -1', withEntry(3, -1)],
    ['count 1.5', withEntry(3, 1.5)],
    ['missing 25', withEntry(4, 25)],
    ['missing -1', withEntry(4, -1)],
    ['missing 0.5', withEntry(4, 0.5)],
    ['minHour -1', withEntry(5, -1)],
    ['minHour 1.5', withEntry(5, 1.5)],
    ['minHour 24', withEntry(5, 24)],
    ['maxHour 24', withEntry(6, 24)],
    ['maxHour -1', withEntry(6, -1)],
    ['maxHour as text', withEntry(6, '1')],
    ['fetchedAt as a number', withEntry(7, 5)],
    ['a ninth entry other than the synthetic mark 1', day([...ok, 'extra'])],
    ['a ninth entry 0', day([...ok, 0])],
  ])('refuses a day with %s as a malformed partial', (_name, entity) => {
    expect(() => fromMonthEntity(entity)).toThrow(new ValidationError('dayPartials', 'day 2023-01-01 has a malformed partial'));
  });

  it.each([
    ['a 10-entry day', day([...ok, 1, 'extra']), 'dayPartials', 'day 2023-01-01 is not an 8-entry array'],
    ['a 7-entry day', day(ok.slice(0, 7)), 'dayPartials', 'day 2023-01-01 is not an 8-entry array'],
    ['a day that is an object', { ...good, dayPartials: '{"2023-01-01":{"min":1}}' }, 'dayPartials', 'day 2023-01-01 is not an 8-entry array'],
    ['no PartitionKey', { ...good, partitionKey: undefined }, 'rowKey', 'entity has no keys'],
    ['no RowKey', { ...good, rowKey: 5 }, 'rowKey', 'entity has no keys'],
    ['a RowKey of another kind', { ...good, rowKey: 'X|2023-01' }, 'rowKey', '"X|2023-01" is not M|YYYY-MM'],
    ['a RowKey month 13', { ...good, rowKey: 'M|2023-13' }, 'rowKey', '"M|2023-13" is not M|YYYY-MM'],
    ['a RowKey with text before the month', { ...good, rowKey: 'M|x2023-01' }, 'rowKey', '"M|x2023-01" is not M|YYYY-MM'],
    ['a RowKey with text after the month', { ...good, rowKey: 'M|2023-01x' }, 'rowKey', '"M|2023-01x" is not M|YYYY-MM'],
    ['no lat', { ...good, lat: '42' }, 'city', 'entity c/M|2023-01 lacks city, lat or lng'],
    ['no lng', { ...good, lng: undefined }, 'city', 'entity c/M|2023-01 lacks city, lat or lng'],
    ['no dayPartials', { ...good, dayPartials: undefined }, 'dayPartials', 'entity c/M|2023-01 has no dayPartials'],
    ['dayPartials that are not JSON', { ...good, dayPartials: '{' }, 'dayPartials', 'entity c/M|2023-01 dayPartials is not JSON'],
    ['dayPartials that are an array', { ...good, dayPartials: '[]' }, 'dayPartials', 'not an object'],
    ['dayPartials that are null', { ...good, dayPartials: 'null' }, 'dayPartials', 'not an object'],
    ['a day of another month', { ...good, dayPartials: JSON.stringify({ '2023-02-01': ok }) }, 'dayPartials', 'day 2023-02-01 is not in 2023-01'],
  ])('refuses %s with a ValidationError naming the property and saying why', (_name, entity, field, message) => {
    expect(() => fromMonthEntity(entity)).toThrow(new ValidationError(field, message));
    expect(() => fromMonthEntity(entity)).toThrow(expect.objectContaining({ field }) as Error);
  });
});

describe('monthTotalsFromEntity', () => {
  it('reads the typed totals of an entity written by toMonthEntity', () => {
    const aggregate = monthAggregate('c', '2023-01', place, fullMonth);
    expect(monthTotalsFromEntity(toMonthEntity(aggregate) as unknown as Record<string, unknown>)).toEqual({ month: '2023-01', totals: aggregate.totals });
  });

  it('reads absent extremes, mean and instants as null and absent counts as 0', () => {
    expect(monthTotalsFromEntity({ rowKey: 'M|2023-06', min: 'x', maxAt: 5 })).toEqual({
      month: '2023-06',
      totals: { min: null, max: null, mean: null, sum: 0, count: 0, missingHours: 0, days: 0, minAt: null, maxAt: null },
    });
  });

  it('selects the keys, the city and every totals field, and nothing else (not dayPartials)', () => {
    expect([...TOTAL_PROPERTIES].sort()).toEqual(['PartitionKey', 'RowKey', 'city', ...Object.keys(EMPTY_TOTALS), 'synthetic'].sort());
  });
});

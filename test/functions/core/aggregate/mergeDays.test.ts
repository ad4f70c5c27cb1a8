import { describe, expect, it } from 'vitest';
import { dayRecord, type DayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { compareVersions, EMPTY_MONTH, mergeDays, rebaseDays, sortedDays } from '../../../../functions/core/aggregate/mergeDays.ts';
import { makeEvent } from './makeEvent.ts';

const day = (date: string, fetchedAt: string, hourly?: (number | null)[]): DayRecord =>
  dayRecord(makeEvent({ date, source: { api: 'a', fetchedAt }, ...(hourly ? { hourly } : {}) }));
const withNulls = Array.from({ length: 24 }, (_, h) => (h >= 20 ? null : h));
const complete = Array.from({ length: 24 }, (_, h) => h);

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('mergeDays', () => {
  it('applies the same day twice with the same effect as once, and reports no change the second time', () => {
    const once = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-09-23T10:00:00Z')]);
    const twice = mergeDays(once.month, [day('2023-01-01', '2023-09-23T10:00:00Z')]);
    expect(once.changed).toBe(1);
    expect(twice.changed).toBe(0);
    expect(twice.month).toEqual(once.month);
  });

  it('gives the same month for every delivery order of overlapping versions', () => {
    const versions = [
      day('2023-01-01', '2023-01-02T00:00:00Z', withNulls),
      day('2023-01-01', '2023-01-09T00:00:00Z', complete),
      day('2023-01-02', '2023-01-09T00:00:00Z'),
      day('2023-01-01', '2023-01-09T00:00:00Z', complete),
    ];
    const results = permutations(versions).map((order) => sortedDays(mergeDays(EMPTY_MONTH, order).month));
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it.each([
    ['nulls first, complete later', [withNulls, complete], ['2023-01-02T00:00:00Z', '2023-01-09T00:00:00Z']],
    ['complete delivered before the older fetch with nulls', [complete, withNulls], ['2023-01-09T00:00:00Z', '2023-01-02T00:00:00Z']],
  ])('ends complete with no missing hours when %s', (_name, hourlies, fetched) => {
    const records = hourlies.map((hourly, i) => day('2023-01-01', fetched[i] ?? '', hourly));
    const merged = mergeDays(EMPTY_MONTH, records.slice(0, 1));
    const final = mergeDays(merged.month, records.slice(1)).month.get('2023-01-01');
    expect(final).toMatchObject({ missing: 0, count: 24 });
  });

  it('lets a later fetch correct earlier values', () => {
    const first = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-01-02T00:00:00Z', complete)]).month;
    const revised = complete.map((v) => v + 0.5);
    const merged = mergeDays(first, [day('2023-01-01', '2023-03-01T00:00:00Z', revised)]);
    expect(merged.month.get('2023-01-01')?.min).toBe(0.5);
  });
});

describe('compareVersions', () => {
  it('prefers the later fetchedAt, compared as instants not strings', () => {
    expect(compareVersions(day('2023-01-01', '2023-01-02T01:00:00+02:00'), day('2023-01-01', '2023-01-01T22:00:00Z'))).toBeGreaterThan(0);
  });

  it('prefers fewer missing hours when fetchedAt ties', () => {
    expect(compareVersions(day('2023-01-01', '2023-01-02T00:00:00Z', complete), day('2023-01-01', '2023-01-02T00:00:00Z', withNulls))).toBeGreaterThan(0);
  });

  it('is antisymmetric when only the values differ', () => {
    const a = day('2023-01-01', '2023-01-02T00:00:00Z', complete);
    const b = day('2023-01-01', '2023-01-02T00:00:00Z', complete.map((v) => v + 1));
    expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
    expect(compareVersions(a, b)).not.toBe(0);
  });
});

describe('rebaseDays', () => {
  it('replaces stored days with the raw ones but keeps a strictly newer stored day and days with no blob', () => {
    const stored = mergeDays(EMPTY_MONTH, [
      day('2023-01-01', '2023-01-05T00:00:00Z', complete),
      day('2023-01-02', '2023-01-09T00:00:00Z', complete),
      day('2023-01-03', '2023-01-09T00:00:00Z', complete),
    ]).month;
    const raw = [day('2023-01-01', '2023-01-05T00:00:00Z', withNulls), day('2023-01-02', '2023-01-02T00:00:00Z', withNulls)];
    const { month, changed } = rebaseDays(stored, raw);
    expect(changed).toBe(1);
    expect(month.get('2023-01-01')?.missing).toBe(4);
    expect(month.get('2023-01-02')?.missing).toBe(0);
    expect(month.has('2023-01-03')).toBe(true);
  });
});

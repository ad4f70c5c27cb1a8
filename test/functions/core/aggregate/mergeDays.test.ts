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
    // Each pair sorts the other way as strings: only a comparison of instants gets all three right.
    const earlierInstantLaterString = day('2023-01-01', '2023-01-01T10:00:00+02:00'); // 08:00Z
    const laterInstant = day('2023-01-01', '2023-01-01T09:00:00Z');
    expect(compareVersions(laterInstant, earlierInstantLaterString)).toBeGreaterThan(0);
    expect(compareVersions(earlierInstantLaterString, laterInstant)).toBeLessThan(0);
    // Precision: "09:00:00Z" sorts after "09:00:00.5Z" as a string ("Z" > "."), but is half a second earlier.
    expect(compareVersions(day('2023-01-01', '2023-01-01T09:00:00Z'), day('2023-01-01', '2023-01-01T09:00:00.5Z'))).toBeLessThan(0);
    expect(compareVersions(day('2023-01-01', '2023-01-01T09:00:00.5Z'), day('2023-01-01', '2023-01-01T09:00:00.500Z'))).toBe(0);
    // Same instant written two ways: a tie on time, decided by the rest.
    expect(compareVersions(day('2023-01-01', '2023-01-01T09:00:00Z'), day('2023-01-01', '2023-01-01T11:00:00+02:00'))).toBe(0);
  });

  it('prefers the later fetchedAt even when the earlier one has fewer missing hours', () => {
    const older = day('2023-01-01', '2023-01-02T00:00:00Z', complete);
    const newer = day('2023-01-01', '2023-01-03T00:00:00Z', withNulls);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
    expect(compareVersions(older, newer)).toBeLessThan(0);
  });

  it('prefers fewer missing hours when fetchedAt ties', () => {
    expect(compareVersions(day('2023-01-01', '2023-01-02T00:00:00Z', complete), day('2023-01-01', '2023-01-02T00:00:00Z', withNulls))).toBeGreaterThan(0);
    expect(compareVersions(day('2023-01-01', '2023-01-02T00:00:00Z', withNulls), day('2023-01-01', '2023-01-02T00:00:00Z', complete))).toBeLessThan(0);
  });

  it('prefers fewer missing hours on a fetchedAt tie even when the other version has the larger encoding', () => {
    // The complete day's min (-5) encodes as "[-5,…", below the other's "[0,…": the missing-hours rule must decide.
    const cold = day('2023-01-01', '2023-01-02T00:00:00Z', complete.map((v) => v - 5));
    expect(compareVersions(cold, day('2023-01-01', '2023-01-02T00:00:00Z', withNulls))).toBeGreaterThan(0);
    expect(compareVersions(day('2023-01-01', '2023-01-02T00:00:00Z', withNulls), cold)).toBeLessThan(0);
  });

  it('on a further tie, prefers the larger canonical encoding (so any delivery order ends the same)', () => {
    const higher = day('2023-01-01', '2023-01-02T00:00:00Z', complete.map((v) => v + 1)); // encodes as "[1,…"
    const lower = day('2023-01-01', '2023-01-02T00:00:00Z', complete); // encodes as "[0,…"
    expect(compareVersions(higher, lower)).toBe(1);
    expect(compareVersions(lower, higher)).toBe(-1);
  });

  it('is 0 for identical versions', () => {
    expect(compareVersions(day('2023-01-01', '2023-01-02T00:00:00Z', complete), day('2023-01-01', '2023-01-02T00:00:00Z', complete))).toBe(0);
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

describe('mergeDays, unit by unit', () => {
  it('skips an identical day: nothing changed, and the stored month object is returned as it was', () => {
    const stored = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-01-02T00:00:00Z', complete)]).month;
    const again = mergeDays(stored, [day('2023-01-01', '2023-01-02T00:00:00Z', complete)]);
    expect(again.changed).toBe(0);
    expect(again.month).toBe(stored);
  });

  it('keeps the stored day when the incoming one is older, and counts only what it replaced or added', () => {
    const newer = day('2023-01-01', '2023-01-09T00:00:00Z', complete);
    const stored = mergeDays(EMPTY_MONTH, [newer]).month;
    const merged = mergeDays(stored, [day('2023-01-01', '2023-01-02T00:00:00Z', withNulls), day('2023-01-02', '2023-01-02T00:00:00Z')]);
    expect(merged.changed).toBe(1);
    expect(merged.month.get('2023-01-01')).toBe(newer);
    expect([...merged.month.keys()].sort()).toEqual(['2023-01-01', '2023-01-02']);
    // The stored month is not modified in place.
    expect([...stored.keys()]).toEqual(['2023-01-01']);
  });

  it('counts a replaced day once per replacement within one batch', () => {
    const merged = mergeDays(EMPTY_MONTH, [
      day('2023-01-01', '2023-01-02T00:00:00Z', withNulls),
      day('2023-01-01', '2023-01-03T00:00:00Z', withNulls),
      day('2023-01-01', '2023-01-04T00:00:00Z', complete),
    ]);
    expect(merged.changed).toBe(3);
    expect(merged.month.get('2023-01-01')?.fetchedAt).toBe('2023-01-04T00:00:00Z');
  });
});

describe('sortedDays', () => {
  it('lists the days in date order whatever order they were inserted in', () => {
    const month = mergeDays(EMPTY_MONTH, ['2023-01-17', '2023-01-03', '2023-01-31', '2023-01-09', '2023-01-10'].map((d) => day(d, '2023-02-01T00:00:00Z'))).month;
    expect(sortedDays(month).map((d) => d.date)).toEqual(['2023-01-03', '2023-01-09', '2023-01-10', '2023-01-17', '2023-01-31']);
  });

  it('gives an empty list for an empty month', () => {
    expect(sortedDays(EMPTY_MONTH)).toEqual([]);
  });
});

describe('rebaseDays, unit by unit', () => {
  it('skips a raw day identical to the stored one: nothing changed, the stored month object returned', () => {
    const stored = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-01-05T00:00:00Z', complete)]).month;
    const rebased = rebaseDays(stored, [day('2023-01-01', '2023-01-05T00:00:00Z', complete)]);
    expect(rebased.changed).toBe(0);
    expect(rebased.month).toBe(stored);
  });

  it('replaces a stored day with an older-ranked raw one of the same fetchedAt (the raw blob is the truth)', () => {
    const stored = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-01-05T00:00:00Z', complete)]).month;
    const raw = day('2023-01-01', '2023-01-05T00:00:00Z', withNulls);
    const rebased = rebaseDays(stored, [raw]);
    expect(rebased.changed).toBe(1);
    expect(rebased.month.get('2023-01-01')).toBe(raw);
  });

  it('adds a raw day the month does not have yet', () => {
    const raw = day('2023-01-04', '2023-01-05T00:00:00Z', complete);
    const rebased = rebaseDays(EMPTY_MONTH, [raw]);
    expect(rebased.changed).toBe(1);
    expect(rebased.month.get('2023-01-04')).toBe(raw);
    expect(EMPTY_MONTH.size).toBe(0);
  });

  it('compares the stored and raw fetchedAt as instants', () => {
    // Stored at 08:00Z (written with an offset), raw at 09:00Z: the raw day is newer, so it replaces the stored one.
    const stored = mergeDays(EMPTY_MONTH, [day('2023-01-01', '2023-01-01T10:00:00+02:00', complete)]).month;
    const raw = day('2023-01-01', '2023-01-01T09:00:00Z', withNulls);
    expect(rebaseDays(stored, [raw]).month.get('2023-01-01')).toBe(raw);
  });
});

describe('compareVersions and the synthetic mark', () => {
  it('tells a made-up day from a measured one with the same numbers and fetch time, in both orders', () => {
    const measured = day('2023-01-01', '2023-01-02T00:00:00Z', complete);
    const madeUp: DayRecord = { ...measured, synthetic: true };
    expect(compareVersions(madeUp, measured)).not.toBe(0);
    expect(Math.sign(compareVersions(madeUp, measured))).toBe(-Math.sign(compareVersions(measured, madeUp)));
  });

  it('orders two made-up versions with different numbers and the same fetch time, so either delivery order keeps the same one', () => {
    const a: DayRecord = { ...day('2023-01-01', '2023-01-02T00:00:00Z', complete), synthetic: true };
    const b: DayRecord = { ...day('2023-01-01', '2023-01-02T00:00:00Z', complete.map((v) => v + 1)), synthetic: true };
    expect(compareVersions(a, b)).not.toBe(0);
    expect(mergeDays(EMPTY_MONTH, [a, b]).month).toEqual(mergeDays(EMPTY_MONTH, [b, a]).month);
  });
});

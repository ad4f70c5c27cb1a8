import { describe, expect, it } from 'vitest';
import { dayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { EMPTY_TOTALS, deriveTotals } from '../../../../functions/core/aggregate/deriveTotals.ts';
import { EMPTY_MONTH, mergeDays } from '../../../../functions/core/aggregate/mergeDays.ts';
import { makeEvent } from './makeEvent.ts';

const record = (date: string, hourly: (number | null)[]) => dayRecord(makeEvent({ date, hourly }));

describe('deriveTotals', () => {
  it('derives min, max, mean over non-null hours, counts, and the instants of the extremes', () => {
    const month = mergeDays(EMPTY_MONTH, [
      record('2023-01-02', Array.from({ length: 24 }, (_, h) => (h === 0 ? null : 10))),
      record('2023-01-01', Array.from({ length: 24 }, (_, h) => (h === 7 ? -3 : h === 8 ? 12 : 2))),
    ]).month;
    expect(deriveTotals(month)).toEqual({
      min: -3,
      max: 12,
      sum: 2 * 22 - 3 + 12 + 230,
      mean: (2 * 22 - 3 + 12 + 230) / 47,
      count: 47,
      missingHours: 1,
      days: 2,
      minAt: '2023-01-01T07:00:00Z',
      maxAt: '2023-01-01T08:00:00Z',
    });
  });

  it('gives no mean and no extremes for a month of all-null days', () => {
    const month = mergeDays(EMPTY_MONTH, [record('2023-01-01', Array<null>(24).fill(null))]).month;
    expect(deriveTotals(month)).toMatchObject({ min: null, max: null, mean: null, count: 0, missingHours: 24, days: 1 });
  });

  it('folds days in date order whatever order they were merged in, so sums agree bit for bit', () => {
    const days = Array.from({ length: 28 }, (_, i) =>
      record(`2023-02-${String(i + 1).padStart(2, '0')}`, Array.from({ length: 24 }, (_, h) => ((i * 24 + h) % 17) * 0.1 + 0.3)));
    const forward = deriveTotals(mergeDays(EMPTY_MONTH, days).month);
    const backward = deriveTotals(mergeDays(EMPTY_MONTH, [...days].reverse()).month);
    expect(Object.is(forward.sum, backward.sum)).toBe(true);
    expect(backward).toEqual(forward);
  });

  it('gives the earliest day minAt and maxAt when days tie on the extreme, whatever order they were merged in', () => {
    const flat = (low: number, lowHour: number, high: number, highHour: number) =>
      Array.from({ length: 24 }, (_, h) => (h === lowHour ? low : h === highHour ? high : 0));
    const days = [
      record('2023-01-20', flat(-4, 3, 9, 15)),
      record('2023-01-05', flat(-4, 6, 9, 18)),
      record('2023-01-12', flat(-4, 1, 9, 2)),
    ];
    for (const order of [days, [...days].reverse()]) {
      expect(deriveTotals(mergeDays(EMPTY_MONTH, order).month)).toMatchObject({
        min: -4, max: 9, minAt: '2023-01-05T06:00:00Z', maxAt: '2023-01-05T18:00:00Z',
      });
    }
  });

  it('skips a day with no readings for the extremes but counts its missing hours and the day', () => {
    const month = mergeDays(EMPTY_MONTH, [
      record('2023-01-01', Array.from({ length: 24 }, () => 5)),
      record('2023-01-02', Array<null>(24).fill(null)),
      record('2023-01-03', Array.from({ length: 24 }, () => -5)),
    ]).month;
    expect(deriveTotals(month)).toEqual({
      min: -5, max: 5, mean: 0, sum: 0, count: 48, missingHours: 24, days: 3, minAt: '2023-01-03T00:00:00Z', maxAt: '2023-01-01T00:00:00Z',
    });
  });

  it('gives EMPTY_TOTALS for an empty month and does not share it', () => {
    const totals = deriveTotals(EMPTY_MONTH);
    expect(totals).toEqual(EMPTY_TOTALS);
    expect(totals).not.toBe(EMPTY_TOTALS);
  });
});

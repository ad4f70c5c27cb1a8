import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, type Totals } from '../../../../functions/core/aggregate/deriveTotals.ts';
import { combineTotals, foldToAll, foldToYear } from '../../../../functions/core/aggregate/foldTotals.ts';

const totals = (over: Partial<Totals>): Totals => ({ ...EMPTY_TOTALS, ...over });
const rows = [
  { month: '2023-02', totals: totals({ min: -5, max: 3, sum: 10, count: 10, mean: 1, days: 1, missingHours: 14, minAt: 'b-min', maxAt: 'b-max' }) },
  { month: '2022-12', totals: totals({ min: -9, max: 1, sum: 0, count: 24, mean: 0, days: 1, minAt: 'a-min', maxAt: 'a-max' }) },
  { month: '2023-01', totals: totals({ min: -2, max: 8, sum: 90, count: 30, mean: 3, days: 2, missingHours: 18, minAt: 'c-min', maxAt: 'c-max' }) },
];

describe('foldToYear', () => {
  it('groups months by year with count-weighted means', () => {
    expect(foldToYear(rows)).toEqual([
      { year: '2022', totals: rows[1]?.totals },
      { year: '2023', totals: totals({ min: -5, max: 8, sum: 100, count: 40, mean: 2.5, days: 3, missingHours: 32, minAt: 'b-min', maxAt: 'c-max' }) },
    ]);
  });
});

describe('foldToAll', () => {
  it('weights each month by its count, not equally', () => {
    expect(foldToAll(rows)).toMatchObject({ min: -9, minAt: 'a-min', max: 8, count: 64, sum: 100, mean: 100 / 64, days: 4, missingHours: 32 });
  });

  it('marks the fold synthetic when any month is, and only then', () => {
    expect(foldToAll([...rows, { month: '2023-03', totals: totals({ count: 1, sum: 1, days: 1, synthetic: true }) }]).synthetic).toBe(true);
    expect(foldToYear([...rows, { month: '2023-03', totals: totals({ synthetic: true }) }]).map((y) => y.totals.synthetic)).toEqual([undefined, true]);
    expect(foldToAll(rows)).not.toHaveProperty('synthetic');
  });

  it('gives no mean for no rows', () => {
    expect(foldToAll([])).toEqual(EMPTY_TOTALS);
  });
});

describe('combineTotals', () => {
  const empty = totals({ days: 31, missingHours: 744 });

  it('keeps a positive minimum when a later month has no readings (null is no value, not zero)', () => {
    const warm = totals({ min: 3, max: 20, sum: 240, count: 24, mean: 10, days: 1, minAt: 'warm-min', maxAt: 'warm-max' });
    expect(combineTotals([warm, empty])).toEqual(totals({
      min: 3, max: 20, sum: 240, count: 24, mean: 10, days: 32, missingHours: 744, minAt: 'warm-min', maxAt: 'warm-max',
    }));
  });

  it('keeps a negative maximum when a later month has no readings', () => {
    const cold = totals({ min: -20, max: -3, sum: -240, count: 24, mean: -10, days: 1, minAt: 'cold-min', maxAt: 'cold-max' });
    expect(combineTotals([cold, empty])).toMatchObject({ min: -20, max: -3, minAt: 'cold-min', maxAt: 'cold-max' });
  });

  it('takes the extremes from the first month with readings when earlier months have none', () => {
    const cold = totals({ min: -20, max: -3, sum: -240, count: 24, days: 1, minAt: 'cold-min', maxAt: 'cold-max' });
    expect(combineTotals([empty, cold])).toMatchObject({ min: -20, max: -3, minAt: 'cold-min', maxAt: 'cold-max', days: 32 });
  });

  it('gives the earlier part minAt and maxAt when two parts tie on the extreme (the first occurrence wins)', () => {
    const first = totals({ min: -5, max: 9, sum: 1, count: 2, minAt: 'first-min', maxAt: 'first-max' });
    const second = totals({ min: -5, max: 9, sum: 1, count: 2, minAt: 'second-min', maxAt: 'second-max' });
    expect(combineTotals([first, second])).toMatchObject({ min: -5, max: 9, minAt: 'first-min', maxAt: 'first-max' });
  });

  it('gives no extremes and no mean when no part has readings', () => {
    expect(combineTotals([empty, empty])).toEqual(totals({ days: 62, missingHours: 1_488 }));
  });
});

describe('foldToYear ties', () => {
  it('gives the earlier month minAt and maxAt on a tie, whatever order the rows come in', () => {
    const jan = { month: '2023-01', totals: totals({ min: 0, max: 4, sum: 4, count: 2, minAt: 'jan-min', maxAt: 'jan-max' }) };
    const mar = { month: '2023-03', totals: totals({ min: 0, max: 4, sum: 4, count: 2, minAt: 'mar-min', maxAt: 'mar-max' }) };
    for (const order of [[jan, mar], [mar, jan]]) {
      expect(foldToYear(order)).toEqual([{ year: '2023', totals: totals({ min: 0, max: 4, sum: 8, count: 4, mean: 2, minAt: 'jan-min', maxAt: 'jan-max' }) }]);
      expect(foldToAll(order)).toMatchObject({ minAt: 'jan-min', maxAt: 'jan-max' });
    }
  });

  it('keeps rows of the same month in their given order (a stable sort), so the first given wins a tie', () => {
    const a = { month: '2023-05', totals: totals({ min: 1, max: 1, sum: 1, count: 1, minAt: 'a-min', maxAt: 'a-max' }) };
    const b = { month: '2023-05', totals: totals({ min: 1, max: 1, sum: 1, count: 1, minAt: 'b-min', maxAt: 'b-max' }) };
    expect(foldToAll([a, b])).toMatchObject({ minAt: 'a-min', maxAt: 'a-max' });
    expect(foldToAll([b, a])).toMatchObject({ minAt: 'b-min', maxAt: 'b-max' });
  });

  it('orders the years ascending and keeps a year with no readings', () => {
    const rows2 = [
      { month: '2024-02', totals: totals({ days: 29, missingHours: 696 }) },
      { month: '2022-11', totals: totals({ min: 1, max: 2, sum: 3, count: 2, minAt: 'a', maxAt: 'b' }) },
    ];
    expect(foldToYear(rows2).map((y) => [y.year, y.totals.min, y.totals.mean])).toEqual([['2022', 1, 1.5], ['2024', null, null]]);
  });
});

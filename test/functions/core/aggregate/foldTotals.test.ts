import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, type Totals } from '../../../../functions/core/aggregate/deriveTotals.ts';
import { foldToAll, foldToYear } from '../../../../functions/core/aggregate/foldTotals.ts';

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

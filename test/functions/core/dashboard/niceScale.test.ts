import { describe, expect, it } from 'vitest';
import { niceScale } from '../../../../functions/core/dashboard/niceScale.ts';

describe('niceScale', () => {
  it.each([
    [0, 10, [0, 2, 4, 6, 8, 10]], // a rough step of exactly 2 is taken as it is, not rounded up to 2.5
    [-10, 10, [-10, -5, 0, 5, 10]],
    [12, 18, [12, 14, 16, 18]],
    [-3.7, 8.9, [-5, 0, 5, 10]], // rough step 2.52: just over 2.5, so 5
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [-40, 45, [-40, -20, 0, 20, 40, 60]],
  ])('spans %d..%d with the round ticks %j', (low, high, ticks) => {
    expect(niceScale(low, high)).toEqual({ min: ticks[0], max: ticks.at(-1), ticks });
  });

  it('widens a single value by one either side', () => {
    expect(niceScale(5, 5)).toEqual({ min: 4, max: 6, ticks: [4, 4.5, 5, 5.5, 6] });
  });

  it('takes fewer ticks when asked', () => {
    expect(niceScale(0, 10, 3).ticks).toEqual([0, 5, 10]);
  });

  it.each([
    [Number.NaN, 5],
    [0, Number.POSITIVE_INFINITY],
    [Number.NEGATIVE_INFINITY, 0],
    [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], // Math.min() and Math.max() of no values
  ])('falls back to 0..1 when %d..%d is not a finite range', (low, high) => {
    expect(niceScale(low, high)).toEqual({ min: 0, max: 1, ticks: [0, 1] });
  });
});

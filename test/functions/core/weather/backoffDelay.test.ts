import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../functions/core/weather/backoffDelay.ts';

describe('backoffDelay', () => {
  it.each([
    [0, 0.999, 99],
    [1, 0.999, 199],
    [3, 0.5, 400],
    [10, 0.999, 4_995],
    [2, 0, 0],
  ])('after attempt %i with random %d waits %i ms (base 100, cap 5000)', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 100, 5_000, () => random)).toBe(expected);
  });

  it('stays within [0, min(cap, base·2^attempt)) with the real random source', () => {
    for (let i = 0; i < 1_000; i++) {
      const delay = backoffDelay(i % 8, 50, 1_000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1_000, 50 * 2 ** (i % 8)));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { requestWeight } from '../../../../functions/core/weather/requestWeight.ts';

describe('requestWeight', () => {
  it.each([
    [1, 1, 1, 1],
    [14, 1, 1, 1],
    [140, 1, 1, 1],
    [1400, 1, 1, 10],
    [242, 1, 1, 242 / 140],
    [14, 10, 1, 1],
    [28, 10, 1, 2],
    [366, 20, 1, (366 / 14) * 2],
    [1, 1, 3, 3],
    [28, 10, 3, 6],
  ])('weighs %i days × %i variables × %i locations as %d', (days, variables, locations, weight) => {
    expect(requestWeight(days, variables, locations)).toBeCloseTo(weight, 9);
  });

  it('never weighs one location below one call', () => {
    expect(requestWeight(1)).toBe(1);
  });

  it.each([[0, 1, 1], [1.5, 1, 1], [1, 0, 1], [1, 1, 0], [-3, 1, 1]])('throws for days=%s variables=%s locations=%s', (d, v, l) => {
    expect(() => requestWeight(d, v, l)).toThrow(RangeError);
  });

  it.each<[[number, number, number], string]>([
    [[0, 1, 1], 'days must be a whole number ≥ 1, got 0'],
    [[1, 2.5, 1], 'variables must be a whole number ≥ 1, got 2.5'],
    [[1, 1, -1], 'locations must be a whole number ≥ 1, got -1'],
  ])('names the argument and its value for %j', ([d, v, l], message) => {
    expect(() => requestWeight(d, v, l)).toThrow(new RangeError(message));
  });
});


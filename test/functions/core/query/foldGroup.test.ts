import { describe, expect, it } from 'vitest';
import { addPart, compareExtremes, emptyGroup, type QueryPart } from '../../../../functions/core/query/foldGroup.ts';
import { groupRow } from '../../../../functions/core/query/queryRow.ts';
import { part } from './parts.ts';

const across = { city: false, time: 'month' } as const;

function fold(parts: QueryPart[]) {
  const group = emptyGroup();
  for (const p of parts) addPart(group, p);
  return groupRow(group, across, '2023-01');
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('addPart', () => {
  it('takes the minimum of minima and the maximum of maxima, with the city where each happened', () => {
    const row = fold([part({ cityId: 'a', city: 'A', min: -3, max: 8 }), part({ cityId: 'b', city: 'B', min: -7, max: 5 }), part({ cityId: 'c', city: 'C', min: 1, max: 12 })]);
    expect(row).toMatchObject({ min: -7, minCity: 'B', minCityId: 'b', max: 12, maxCity: 'C', maxCityId: 'c', cities: 3 });
  });

  it('weights the mean by count and adds sums, counts, missing hours and days', () => {
    const row = fold([part({ sum: 10, count: 10, missingHours: 2, days: 1 }), part({ cityId: 'b', sum: 90, count: 30, missingHours: 1, days: 2 })]);
    expect(row).toMatchObject({ sum: 100, count: 40, mean: 2.5, missingHours: 3, days: 3, cities: 2 });
  });

  it('breaks a tie on the value by the earlier instant, then by the smaller cityId, in any arrival order', () => {
    const parts = [
      part({ cityId: 'm', city: 'M', min: -5, minAt: '2023-01-03T04:00:00Z', max: 9, maxAt: '2023-01-02T00:00:00Z' }),
      part({ cityId: 'k', city: 'K', min: -5, minAt: '2023-01-02T04:00:00Z', max: 9, maxAt: '2023-01-02T00:00:00Z' }),
      part({ cityId: 'z', city: 'Z', min: -5, minAt: '2023-01-02T04:00:00Z', max: 9, maxAt: '2023-01-01T00:00:00Z' }),
      part({ cityId: 'b', city: 'B', min: -4, max: 9, maxAt: '2023-01-01T00:00:00Z' }),
    ];
    for (const order of permutations(parts)) {
      expect(fold(order)).toMatchObject({ min: -5, minCityId: 'k', minAt: '2023-01-02T04:00:00Z', max: 9, maxCityId: 'b', maxAt: '2023-01-01T00:00:00Z' });
    }
  });

  it('counts a city once however many parts it brings, and one with no readings as folded in', () => {
    const row = fold([part({}), part({ period: '2023-01-02' }), part({ cityId: 'x', min: null, max: null, minAt: null, maxAt: null, sum: 0, count: 0, missingHours: 24 })]);
    expect(row).toMatchObject({ cities: 2, count: 20, missingHours: 24 });
  });

  it('answers nulls for the extremes and the mean when no part has a reading', () => {
    expect(fold([part({ min: null, max: null, minAt: null, maxAt: null, sum: 0, count: 0, missingHours: 744 })])).toMatchObject({
      min: null, max: null, mean: null, minAt: null, maxAt: null, minCity: null, maxCity: null, count: 0, missingHours: 744, cities: 1,
    });
  });

  it('marks the row synthetic when any part is', () => {
    expect(fold([part({}), part({ cityId: 'b', synthetic: true })]).synthetic).toBe(true);
    expect(fold([part({})]).synthetic).toBeUndefined();
  });
});

describe('compareExtremes', () => {
  const extreme = (value: number, at: string | null, cityId: string) => ({ value, at, cityId, city: cityId.toUpperCase() });

  it('lets the lower minimum and the higher maximum win', () => {
    expect(compareExtremes(extreme(1, 't', 'a'), extreme(2, 't', 'a'), 1)).toBeLessThan(0);
    expect(compareExtremes(extreme(2, 't', 'a'), extreme(1, 't', 'a'), -1)).toBeLessThan(0);
    expect(compareExtremes(extreme(1, 't', 'a'), extreme(2, 't', 'a'), -1)).toBeGreaterThan(0);
  });

  it('on equal values lets the earlier instant win before the city id is looked at', () => {
    expect(compareExtremes(extreme(1, '2023-01-01T00:00:00Z', 'z'), extreme(1, '2023-01-02T00:00:00Z', 'a'), 1)).toBe(-1);
    expect(compareExtremes(extreme(1, '2023-01-02T00:00:00Z', 'a'), extreme(1, '2023-01-01T00:00:00Z', 'z'), 1)).toBe(1);
    expect(compareExtremes(extreme(1, null, 'a'), extreme(1, '2023-01-01T00:00:00Z', 'z'), 1)).toBe(1);
  });

  it('on equal values and instants lets the smaller city id win, and is 0 for the same city', () => {
    expect(compareExtremes(extreme(1, 't', 'a'), extreme(1, 't', 'b'), 1)).toBe(-1);
    expect(compareExtremes(extreme(1, 't', 'b'), extreme(1, 't', 'a'), -1)).toBe(1);
    expect(compareExtremes(extreme(1, 't', 'a'), extreme(1, 't', 'a'), 1)).toBe(0);
  });
});

describe('groupRow', () => {
  it('gives the place only to a row grouped by city', () => {
    const group = emptyGroup();
    addPart(group, part({}));
    expect(groupRow(group, { city: false, time: 'month' }, '2023-01')).not.toHaveProperty('lat');
    expect(groupRow(group, { city: false, time: 'month' }, '2023-01')).not.toHaveProperty('cityId');
    expect(groupRow(group, { city: true, time: 'month' }, '2023-01')).toMatchObject({ cityId: 'a', city: 'A', lat: 10, lng: 20 });
  });
});


import { describe, expect, it } from 'vitest';
import { createCityRanges, mergeRange } from '../../../../functions/core/city/cityRanges.ts';

const r = (start: string, end: string) => ({ start, end });
const city = { cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.5, lng: -71 };

describe('mergeRange', () => {
  it.each([
    ['into nothing', [], r('2023-01-05', '2023-01-10'), [r('2023-01-05', '2023-01-10')]],
    ['the same range', [r('2023-01-05', '2023-01-10')], r('2023-01-05', '2023-01-10'), [r('2023-01-05', '2023-01-10')]],
    ['inside', [r('2023-01-01', '2023-01-31')], r('2023-01-05', '2023-01-10'), [r('2023-01-01', '2023-01-31')]],
    ['overlapping the end', [r('2023-01-01', '2023-01-10')], r('2023-01-05', '2023-01-20'), [r('2023-01-01', '2023-01-20')]],
    ['overlapping the start', [r('2023-01-05', '2023-01-10')], r('2023-01-01', '2023-01-06'), [r('2023-01-01', '2023-01-10')]],
    ['adjacent after', [r('2023-01-01', '2023-01-10')], r('2023-01-11', '2023-01-20'), [r('2023-01-01', '2023-01-20')]],
    ['adjacent before', [r('2023-01-11', '2023-01-20')], r('2023-01-01', '2023-01-10'), [r('2023-01-01', '2023-01-20')]],
    ['apart, before', [r('2023-03-01', '2023-03-02')], r('2023-01-01', '2023-01-02'), [r('2023-01-01', '2023-01-02'), r('2023-03-01', '2023-03-02')]],
    ['apart, after', [r('2023-01-01', '2023-01-02')], r('2023-03-01', '2023-03-02'), [r('2023-01-01', '2023-01-02'), r('2023-03-01', '2023-03-02')]],
    ['bridging two', [r('2023-01-01', '2023-01-02'), r('2023-03-01', '2023-03-02')], r('2023-01-02', '2023-03-01'), [r('2023-01-01', '2023-03-02')]],
    ['between two, touching neither', [r('2023-01-01', '2023-01-02'), r('2023-03-01', '2023-03-02')], r('2023-02-01', '2023-02-02'),
      [r('2023-01-01', '2023-01-02'), r('2023-02-01', '2023-02-02'), r('2023-03-01', '2023-03-02')]],
    ['between the first two of three', [r('2023-01-01', '2023-01-02'), r('2023-02-01', '2023-02-02'), r('2023-03-01', '2023-03-02')], r('2023-01-10', '2023-01-11'),
      [r('2023-01-01', '2023-01-02'), r('2023-01-10', '2023-01-11'), r('2023-02-01', '2023-02-02'), r('2023-03-01', '2023-03-02')]],
    ['over a year end', [r('2022-12-20', '2022-12-31')], r('2023-01-01', '2023-01-05'), [r('2022-12-20', '2023-01-05')]],
  ])('merges a range %s', (_what, ranges, range, expected) => {
    expect(mergeRange(ranges, range)).toEqual(expected);
  });
});

describe('createCityRanges', () => {
  it('keeps one city per id with the union of its ranges, and counts each day once', () => {
    const ranges = createCityRanges();
    expect(ranges.add(city, r('2023-01-01', '2023-01-10'), 1)).toBeUndefined();
    expect(ranges.add({ ...city, cityId: 'other' }, r('2023-01-01', '2023-01-01'), 2)).toBeUndefined();
    expect(ranges.add({ ...city, city: 'PEABODY, MA, USA' }, r('2023-01-01', '2023-01-10'), 3)).toBe(
      'city id "peabody-ma-usa" is already on line 1, 2023-01-01..2023-01-10 included: nothing more to fetch, counted once',
    );
    expect(ranges.add(city, r('2023-01-08', '2023-01-12'), 4)).toBe(
      'city id "peabody-ma-usa" is already on line 1: 2023-01-08..2023-01-12 merged with its range (2 more days; each day fetched once)',
    );
    expect(ranges.size).toBe(2);
    expect(ranges.days).toBe(12 + 1);
    const plans = [...ranges.plans()];
    // The first line's name and coordinates stand for the city.
    expect(plans[0]).toEqual({ city, line: 1, ranges: [r('2023-01-01', '2023-01-12')] });
    expect(plans[1]).toMatchObject({ city: { cityId: 'other' }, line: 2 });
  });

  it('keeps only the City fields of what it is given', () => {
    const ranges = createCityRanges();
    ranges.add({ ...city, line: 9, start: '2023-01-01', end: '2023-01-02' } as typeof city, r('2023-01-01', '2023-01-02'), 9);
    expect(Object.keys([...ranges.plans()][0]!.city)).toEqual(['cityId', 'city', 'lat', 'lng']);
  });
});

describe('createCityRanges, counting', () => {
  it('counts the one day that joins two ranges into one, and says "1 more day"', () => {
    const ranges = createCityRanges();
    ranges.add(city, r('2023-01-01', '2023-01-02'), 1);
    expect(ranges.add(city, r('2023-01-04', '2023-01-05'), 2)).toBe(
      'city id "peabody-ma-usa" is already on line 1: 2023-01-04..2023-01-05 merged with its range (2 more days; each day fetched once)',
    );
    expect(ranges.add(city, r('2023-01-03', '2023-01-03'), 3)).toBe(
      'city id "peabody-ma-usa" is already on line 1: 2023-01-03..2023-01-03 merged with its range (1 more day; each day fetched once)',
    );
    expect(ranges.days).toBe(5);
    expect([...ranges.plans()][0]!.ranges).toEqual([r('2023-01-01', '2023-01-05')]);
  });
});


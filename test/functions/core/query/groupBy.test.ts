import { describe, expect, it } from 'vitest';
import { formatGroupBy, parseGroupBy, timeKey } from '../../../../functions/core/query/groupBy.ts';

describe('parseGroupBy', () => {
  it.each([
    ['', { city: false, time: 'none' }, 'all'],
    ['all', { city: false, time: 'none' }, 'all'],
    ['year,month', { city: false, time: 'month' }, 'year,month'],
    ['month', { city: false, time: 'month' }, 'year,month'],
    ['month,year', { city: false, time: 'month' }, 'year,month'],
    ['city', { city: true, time: 'none' }, 'city'],
    ['day,city', { city: true, time: 'day' }, 'city,year,month,day'],
    ['year,day', { city: false, time: 'day' }, 'year,month,day'],
    [' city , year ', { city: true, time: 'year' }, 'city,year'],
  ])('reads %j as the grouping %j, spelled %s', (raw, groupBy, spelled) => {
    expect(parseGroupBy(raw)).toEqual(groupBy);
    expect(formatGroupBy(parseGroupBy(raw))).toBe(spelled);
  });

  it.each([
    ['week'],
    ['City'],
    ['city,city'],
    ['all,city'],
    ['year,'],
    [',month'],
    ['month;year'],
    ['x'.repeat(41)],
  ])('throws naming groupBy for %j', (raw) => {
    expect(() => parseGroupBy(raw)).toThrow(expect.objectContaining({ field: 'groupBy' }));
  });
});

describe('timeKey', () => {
  it.each([
    ['none', '2023-01-05', ''],
    ['year', '2023-01-05', '2023'],
    ['month', '2023-01', '2023-01'],
    ['day', '2023-01-05', '2023-01-05'],
  ] as const)('keys %s of %s as %j', (grain, date, key) => {
    expect(timeKey(grain, date)).toBe(key);
  });
});

describe('parseGroupBy, exactly', () => {
  it('takes up to 40 characters, spaces included, and refuses 41 even when they trim to a valid list', () => {
    expect(parseGroupBy(`city${' '.repeat(36)}`)).toEqual({ city: true, time: 'none' });
    expect(() => parseGroupBy(` city${' '.repeat(36)}`)).toThrow(expect.objectContaining({ field: 'groupBy', message: 'groupBy must be at most 40 characters' }));
  });

  it('reads blanks around the whole value like nothing, and " all " as all', () => {
    expect(parseGroupBy('   ')).toEqual({ city: false, time: 'none' });
    expect(parseGroupBy(' all ')).toEqual({ city: false, time: 'none' });
  });

  it.each([
    ['x'.repeat(30), `groupBy must be a comma list of city, year, month, day (or all), got "${'x'.repeat(20)}"`],
    ['city,year,city', 'groupBy names city twice'],
  ])('refuses %j saying %j', (raw, message) => {
    expect(() => parseGroupBy(raw)).toThrow(expect.objectContaining({ field: 'groupBy', message }));
  });
});

describe('timeKey of a day', () => {
  it.each([
    ['year', '2023'],
    ['month', '2023-01'],
    ['day', '2023-01-05'],
  ] as const)('keys 2023-01-05 at the %s grain as %s', (grain, key) => {
    expect(timeKey(grain, '2023-01-05')).toBe(key);
  });
});

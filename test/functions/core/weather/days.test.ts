import { describe, expect, it } from 'vitest';
import { addDays, daysInclusive, isIsoDate, splitRange } from '../../../../functions/core/weather/days.ts';

describe('isIsoDate', () => {
  it.each([['2023-01-01', true], ['2024-02-29', true], ['2023-02-29', false], ['2023-1-01', false], ['20230101', false]])('%s → %s', (text, ok) => {
    expect(isIsoDate(text)).toBe(ok);
  });
});

describe('addDays', () => {
  it('crosses month and year ends in UTC', () => {
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('daysInclusive', () => {
  it('counts both ends', () => {
    expect(daysInclusive('2023-01-01', '2023-08-30')).toBe(242);
    expect(daysInclusive('2023-01-01', '2023-01-01')).toBe(1);
  });
});

describe('splitRange', () => {
  it('splits into consecutive windows of at most the given size', () => {
    expect(splitRange('2023-01-01', '2023-01-10', 4)).toEqual([
      { start: '2023-01-01', end: '2023-01-04' },
      { start: '2023-01-05', end: '2023-01-08' },
      { start: '2023-01-09', end: '2023-01-10' },
    ]);
    expect(splitRange('2023-01-01', '2023-08-30', 366)).toEqual([{ start: '2023-01-01', end: '2023-08-30' }]);
  });
});

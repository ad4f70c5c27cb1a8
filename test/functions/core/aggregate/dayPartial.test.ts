import { describe, expect, it } from 'vitest';
import { dayPartial, dayRecord, hourInstant } from '../../../../functions/core/aggregate/dayPartial.ts';
import { makeEvent } from './makeEvent.ts';

describe('dayPartial', () => {
  it('reduces 24 readings to min, max, sum, count and the hours of the extremes', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => h);
    expect(dayPartial(hourly)).toEqual({ min: 0, max: 23, sum: 276, count: 24, missing: 0, minHour: 0, maxHour: 23 });
  });

  it('never counts a null as a value', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h % 2 === 0 ? null : 5));
    expect(dayPartial(hourly)).toEqual({ min: 5, max: 5, sum: 60, count: 12, missing: 12, minHour: 1, maxHour: 1 });
  });

  it('gives an all-null day count 0 and no extremes', () => {
    expect(dayPartial(Array<null>(24).fill(null))).toEqual({ min: null, max: null, sum: 0, count: 0, missing: 24, minHour: null, maxHour: null });
  });

  it('keeps the earliest hour when an extreme repeats', () => {
    const hourly = [3, -1, 7, -1, 7, ...Array<number>(19).fill(0)];
    expect(dayPartial(hourly)).toMatchObject({ min: -1, minHour: 1, max: 7, maxHour: 2 });
  });
});

describe('dayRecord', () => {
  it('carries the date and fetchedAt of the event', () => {
    expect(dayRecord(makeEvent({ date: '2023-03-04' }))).toMatchObject({ date: '2023-03-04', fetchedAt: '2023-09-23T10:00:00Z', count: 24 });
  });
});

describe('hourInstant', () => {
  it('formats a UTC hour as an ISO instant', () => {
    expect(hourInstant('2023-01-02', 5)).toBe('2023-01-02T05:00:00Z');
  });
});

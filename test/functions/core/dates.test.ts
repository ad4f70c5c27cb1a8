import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertDate,
  daysBetween,
  eachDay,
  eachMonth,
  firstDayOfMonth,
  isValidDate,
  lastDayOfMonth,
  monthOf,
  splitIntoWindows,
  toDateString,
} from '../../../functions/core/dates.ts';
import { ValidationError } from '../../../functions/errors.ts';

describe('isValidDate', () => {
  it.each(['2023-01-01', '2024-02-29', '2000-02-29', '1999-12-31', '0099-06-15'])('accepts the real calendar date %s', (date) => {
    expect(isValidDate(date)).toBe(true);
  });

  it.each([
    '2023-02-29', // not a leap year
    '1900-02-29', // century, not a leap year
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '2023-1-01',
    '20230101',
    '2023-01-01T00:00:00Z',
    ' 2023-01-01',
    '',
  ])('rejects %j', (date) => {
    expect(isValidDate(date)).toBe(false);
  });

  it('accepts year 0000, a leap year of the proleptic Gregorian calendar that Date also reads', () => {
    expect(isValidDate('0000-01-01')).toBe(true);
    expect(isValidDate('0000-02-29')).toBe(true);
    expect(Date.parse('0000-02-29T00:00:00Z')).not.toBeNaN();
  });

  it.each([20230101, null, undefined, {}])('rejects the non-string %j', (value) => {
    expect(isValidDate(value)).toBe(false);
  });
});

describe('assertDate', () => {
  it('returns a valid date unchanged', () => {
    expect(assertDate('2023-08-30', 'end')).toBe('2023-08-30');
  });

  it('throws a ValidationError naming the field', () => {
    expect(() => assertDate('2023-02-30', 'start')).toThrow(ValidationError);
    expect(() => assertDate('2023-02-30', 'start')).toThrow(/^start must be a calendar date YYYY-MM-DD, got "2023-02-30"$/);
    expect(() => assertDate(5, 'end')).toThrow(/end must be .* got number/);
  });
});

describe('addDays', () => {
  it.each([
    ['2023-01-31', 1, '2023-02-01'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-01-01', -1, '2023-12-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2023-03-26', 1, '2023-03-27'], // a DST change elsewhere is irrelevant in UTC
    ['2023-01-01', 365, '2024-01-01'],
    ['2023-06-15', 0, '2023-06-15'],
  ])('moves %s by %i days to %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('throws on a fractional day count', () => {
    expect(() => addDays('2023-01-01', 1.5)).toThrow(/days must be a whole number/);
  });

  it('throws on an invalid date', () => {
    expect(() => addDays('2023-02-30', 1)).toThrow(ValidationError);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2023-01-01', '2023-01-01', 0],
    ['2023-01-01', '2023-08-30', 241],
    ['2024-02-28', '2024-03-01', 2],
    ['2023-02-28', '2023-03-01', 1],
    ['2023-01-02', '2023-01-01', -1],
  ])('counts from %s to %s as %i', (start, end, expected) => {
    expect(daysBetween(start, end)).toBe(expected);
  });
});

describe('eachDay', () => {
  it('lists every day across a leap-year month boundary, both ends included', () => {
    expect(eachDay('2024-02-27', '2024-03-02')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
  });

  it('lists one day when start equals end', () => {
    expect(eachDay('2023-12-31', '2023-12-31')).toEqual(['2023-12-31']);
  });

  it('lists the 242 days of the seed range', () => {
    const days = eachDay('2023-01-01', '2023-08-30');
    expect(days).toHaveLength(242);
    expect(days.at(-1)).toBe('2023-08-30');
  });

  it('throws when end is before start', () => {
    expect(() => eachDay('2023-01-02', '2023-01-01')).toThrow(/end \(2023-01-01\) is before start \(2023-01-02\)/);
  });
});

describe('splitIntoWindows', () => {
  it('keeps a range shorter than the window whole', () => {
    expect(splitIntoWindows('2023-01-01', '2023-08-30', 366)).toEqual([{ start: '2023-01-01', end: '2023-08-30' }]);
  });

  it('cuts contiguous windows across a year boundary with a short last window', () => {
    expect(splitIntoWindows('2023-12-30', '2024-01-04', 2)).toEqual([
      { start: '2023-12-30', end: '2023-12-31' },
      { start: '2024-01-01', end: '2024-01-02' },
      { start: '2024-01-03', end: '2024-01-04' },
    ]);
  });

  it('makes one window per day with a window of 1 day', () => {
    expect(splitIntoWindows('2024-02-28', '2024-03-01', 1)).toEqual([
      { start: '2024-02-28', end: '2024-02-28' },
      { start: '2024-02-29', end: '2024-02-29' },
      { start: '2024-03-01', end: '2024-03-01' },
    ]);
  });

  it.each([
    ['2020-01-01', '2024-12-31', 366],
    ['2023-01-01', '2023-12-31', 7],
    ['2023-05-05', '2023-05-05', 30],
    ['2000-02-01', '2000-03-31', 29],
  ])('covers %s..%s in windows of %i days with no gaps or overlaps', (start, end, windowDays) => {
    const windows = splitIntoWindows(start, end, windowDays);
    expect(windows[0]?.start).toBe(start);
    expect(windows.at(-1)?.end).toBe(end);
    windows.forEach((window, i) => {
      const length = daysBetween(window.start, window.end) + 1;
      expect(length).toBeGreaterThanOrEqual(1);
      expect(length).toBeLessThanOrEqual(windowDays);
      if (i > 0) expect(window.start).toBe(addDays(windows[i - 1]!.end, 1));
    });
    expect(windows.flatMap((w) => eachDay(w.start, w.end))).toEqual(eachDay(start, end));
  });

  it('throws when end is before start', () => {
    expect(() => splitIntoWindows('2023-02-01', '2023-01-31', 10)).toThrow(/end \(2023-01-31\) is before start/);
  });

  it.each([0, -1, 1.5, Number.NaN])('throws on a window of %s days', (windowDays) => {
    expect(() => splitIntoWindows('2023-01-01', '2023-01-31', windowDays)).toThrow(/windowDays must be a whole number/);
  });
});

describe('monthOf', () => {
  it('returns the month key of a date', () => {
    expect(monthOf('2024-02-29')).toBe('2024-02');
  });

  it('throws on an invalid date', () => {
    expect(() => monthOf('2024-02-30')).toThrow(ValidationError);
  });
});

describe('lastDayOfMonth', () => {
  it.each([
    ['2024-02', '2024-02-29'],
    ['2023-02', '2023-02-28'],
    ['1900-02', '1900-02-28'],
    ['2000-02', '2000-02-29'],
    ['2023-12', '2023-12-31'],
    ['2023-04', '2023-04-30'],
  ])('of %s is %s', (month, expected) => {
    expect(lastDayOfMonth(month)).toBe(expected);
  });

  it.each(['2023-13', '2023-1', '2023-02-01', 'x2023-07', '12023-07'])('throws on the malformed month %j', (month) => {
    expect(() => lastDayOfMonth(month)).toThrow(/month must be YYYY-MM/);
  });
});

describe('firstDayOfMonth', () => {
  it('returns the first day', () => {
    expect(firstDayOfMonth('2023-07')).toBe('2023-07-01');
  });

  it('throws on a malformed month', () => {
    expect(() => firstDayOfMonth('2023-00')).toThrow(/month must be YYYY-MM/);
  });
});

describe('eachMonth', () => {
  it('lists the months of a range across a year boundary', () => {
    expect(eachMonth('2023-11-30', '2024-02-01')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });

  it('throws when end is before start', () => {
    expect(() => eachMonth('2023-02-01', '2023-01-01')).toThrow(/before start/);
  });
});

describe('toDateString', () => {
  it('takes the UTC day of an instant', () => {
    expect(toDateString(new Date('2023-12-31T23:59:59.999-01:00'))).toBe('2024-01-01');
  });

  it('throws on an invalid Date', () => {
    expect(() => toDateString(new Date('nope'))).toThrow(/instant is not a valid Date/);
  });
});

describe('isValidDate, character by character', () => {
  it.each([
    ['2023/01-01', 'another separator after the year'],
    ['2023-01/01', 'another separator after the month'],
    ['2023-0:-01', 'a character just above 9 in the month (":" would read as digit 10)'],
    ['2023-1/-01', 'a character just below 0 in the month ("/" would read as digit -1)'],
    ['2023-01-0:', 'a character just above 9 in the day'],
    ['20x3-01-01', 'a letter in the year'],
  ])('rejects %j (%s)', (date) => {
    expect(isValidDate(date)).toBe(false);
  });
});

/** The ValidationError `run` throws (fails the test when it throws none). */
function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('no ValidationError thrown');
}

describe('the date helpers refuse bad input naming the field', () => {
  it.each<[string, () => unknown, string, string]>([
    ['addDays with an invalid date', () => addDays('2023-02-30', 1), 'date', 'date must be a calendar date YYYY-MM-DD, got "2023-02-30"'],
    ['addDays with a fractional count', () => addDays('2023-01-01', 1.5), 'days', 'days must be a whole number, got 1.5'],
    ['toDateString with an invalid Date', () => toDateString(new Date('nope')), 'instant', 'instant is not a valid Date'],
    ['eachDay with end before start', () => eachDay('2023-01-02', '2023-01-01'), 'end', 'end (2023-01-01) is before start (2023-01-02)'],
    ['splitIntoWindows with a window of 0', () => splitIntoWindows('2023-01-01', '2023-01-31', 0), 'windowDays', 'windowDays must be a whole number ≥ 1, got 0'],
    ['monthOf with an invalid date', () => monthOf('2024-02-30'), 'date', 'date must be a calendar date YYYY-MM-DD, got "2024-02-30"'],
    ['lastDayOfMonth with month 13', () => lastDayOfMonth('2023-13'), 'month', 'month must be YYYY-MM, got "2023-13"'],
    ['assertDate with a long string', () => assertDate('x'.repeat(50), 'start'), 'start', `start must be a calendar date YYYY-MM-DD, got "${'x'.repeat(40)}"`],
    ['firstDayOfMonth with a long string', () => firstDayOfMonth('y'.repeat(50)), 'month', `month must be YYYY-MM, got "${'y'.repeat(40)}"`],
  ])('%s', (_label, run, field, message) => {
    expect(refusal(run)).toMatchObject({ field, message });
  });
});

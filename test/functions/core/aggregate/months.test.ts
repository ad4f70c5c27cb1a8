import { describe, expect, it } from 'vitest';
import { assertMonth, assertMonthRange, isMonth, monthSpan } from '../../../../functions/core/aggregate/months.ts';
import { ValidationError } from '../../../../functions/errors.ts';

describe('isMonth', () => {
  it.each(['1900-01', '2023-01', '2023-12', '9999-12'])('accepts %s', (value) => {
    expect(isMonth(value)).toBe(true);
  });

  it.each([
    ['1899-12', 'before 1900'],
    ['2023-00', 'month 0'],
    ['2023-13', 'month 13'],
    ['2023-1', 'one-digit month'],
    ['23-01', 'two-digit year'],
    ['2023-01-01', 'a date'],
    [' 2023-01', 'leading space'],
    ['2023-01 ', 'trailing space'],
    ['2023/01', 'another separator'],
    ['x2023-01', 'text before it'],
    ['22023-01', 'a five-digit year'],
    [202301, 'a number'],
    [undefined, 'nothing'],
  ])('refuses %s (%s)', (value, _why) => {
    expect(isMonth(value)).toBe(false);
  });
});

describe('assertMonth', () => {
  it('returns a valid month unchanged', () => {
    expect(assertMonth('2024-02', 'from')).toBe('2024-02');
  });

  it.each([
    ['2023-13', 'from must be a month YYYY-MM (1900-01 or later), got "2023-13"'],
    [undefined, 'from must be a month YYYY-MM (1900-01 or later), got nothing'],
    [202301, 'from must be a month YYYY-MM (1900-01 or later), got number'],
    ['x'.repeat(50), `from must be a month YYYY-MM (1900-01 or later), got "${'x'.repeat(20)}"`],
  ])('throws a ValidationError naming the field for %j', (value, message) => {
    const thrown = (() => {
      try {
        assertMonth(value, 'from');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: 'from', message });
  });
});

describe('monthSpan', () => {
  it.each([
    ['2023-01', '2023-01', 1],
    ['2023-01', '2023-12', 12],
    ['2022-12', '2023-01', 2],
    ['2020-03', '2023-02', 36],
  ])('counts %s..%s as %d months, both included', (from, to, span) => {
    expect(monthSpan(from, to)).toBe(span);
  });
});

describe('assertMonthRange', () => {
  it('accepts a one-month range and a range exactly at the limit', () => {
    expect(assertMonthRange('2023-05', '2023-05', 1)).toEqual({ from: '2023-05', to: '2023-05' });
    expect(assertMonthRange('2022-01', '2023-12', 24)).toEqual({ from: '2022-01', to: '2023-12' });
  });

  it('refuses a range one month over the limit, naming to and both figures', () => {
    expect(() => assertMonthRange('2022-01', '2024-01', 24)).toThrow(expect.objectContaining({
      field: 'to', message: 'from..to spans 25 months; the limit is 24',
    }) as Error);
  });

  it('refuses to before from, naming to', () => {
    expect(() => assertMonthRange('2023-02', '2023-01', 12)).toThrow(expect.objectContaining({
      field: 'to', message: 'to (2023-01) must not be before from (2023-02)',
    }) as Error);
  });

  it('checks from before to', () => {
    expect(() => assertMonthRange('bad', 'worse', 12)).toThrow(expect.objectContaining({ field: 'from' }) as Error);
    expect(() => assertMonthRange('2023-01', 'worse', 12)).toThrow(expect.objectContaining({ field: 'to' }) as Error);
  });
});

// Calendar months (UTC) as `YYYY-MM` strings: validation, ranges, and the limits every month-range request obeys.
import { ValidationError } from '../../errors.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value) && value >= '1900-01';
}

export function assertMonth(value: unknown, field: string): string {
  if (isMonth(value)) return value;
  const shown = typeof value === 'string' ? `"${value.slice(0, 20)}"` : value === undefined ? 'nothing' : typeof value;
  throw new ValidationError(field, `${field} must be a month YYYY-MM (1900-01 or later), got ${shown}`);
}

function index(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** Number of months from `from` to `to`, both included. */
export function monthSpan(from: string, to: string): number {
  return index(to) - index(from) + 1;
}

/** Validates a from/to pair: both months, from ≤ to, and at most `maxMonths` long; errors name the field. */
export function assertMonthRange(from: unknown, to: unknown, maxMonths: number): { from: string; to: string } {
  const f = assertMonth(from, 'from');
  const t = assertMonth(to, 'to');
  if (f > t) throw new ValidationError('to', `to (${t}) must not be before from (${f})`);
  if (monthSpan(f, t) > maxMonths) throw new ValidationError('to', `from..to spans ${monthSpan(f, t)} months; the limit is ${maxMonths}`);
  return { from: f, to: t };
}

// UTC calendar-day helpers. Dates travel as `YYYY-MM-DD` strings everywhere (jobs, blobs, events, table keys);
// these functions are the only place they are turned into instants, always at 00:00 UTC.
import { ValidationError } from '../errors.ts';

export interface DateRange {
  start: string; // YYYY-MM-DD, inclusive
  end: string; // YYYY-MM-DD, inclusive
}

const DAY_MS = 86_400_000;
const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (2023-02-29 and 2023-13-01 are not). */
export function isValidDate(value: unknown): value is string {
  // Hand-parsed: this runs once per event on the aggregator's hot path, where a regex plus Date costs ~3 µs.
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Returns the date unchanged, or throws a ValidationError naming `field`. */
export function assertDate(value: unknown, field: string): string {
  if (isValidDate(value)) return value;
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
  throw new ValidationError(field, `${field} must be a calendar date YYYY-MM-DD, got ${shown}`);
}

function toEpochDay(date: string): number {
  return Date.parse(`${assertDate(date, 'date')}T00:00:00Z`) / DAY_MS;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC calendar day of an instant. */
export function toDateString(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new ValidationError('instant', 'instant is not a valid Date');
  return instant.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new ValidationError('days', `days must be a whole number, got ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `start` to `end` (0 for the same day, negative when `end` is earlier). */
export function daysBetween(start: string, end: string): number {
  return toEpochDay(end) - toEpochDay(start);
}

function assertOrdered(start: string, end: string): void {
  if (daysBetween(start, end) < 0) throw new ValidationError('end', `end (${end}) is before start (${start})`);
}

/** Every day from `start` to `end`, both included. */
export function eachDay(start: string, end: string): string[] {
  assertOrdered(start, end);
  const first = toEpochDay(start);
  return Array.from({ length: toEpochDay(end) - first + 1 }, (_, i) => fromEpochDay(first + i));
}

/** Cuts `start..end` into contiguous inclusive windows of at most `windowDays` days, in order. */
export function splitIntoWindows(start: string, end: string, windowDays: number): DateRange[] {
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new ValidationError('windowDays', `windowDays must be a whole number ≥ 1, got ${windowDays}`);
  }
  assertOrdered(start, end);
  const last = toEpochDay(end);
  const windows: DateRange[] = [];
  for (let from = toEpochDay(start); from <= last; from += windowDays) {
    windows.push({ start: fromEpochDay(from), end: fromEpochDay(Math.min(last, from + windowDays - 1)) });
  }
  return windows;
}

/** `YYYY-MM` of a date: the aggregates' month key. */
export function monthOf(date: string): string {
  return assertDate(date, 'date').slice(0, 7);
}

function parseMonth(month: string): [number, number] {
  const match = MONTH_PATTERN.exec(month);
  const m = Number(match?.[2]);
  if (!match || m < 1 || m > 12) throw new ValidationError('month', `month must be YYYY-MM, got "${month.slice(0, 40)}"`);
  return [Number(match[1]), m];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

export function firstDayOfMonth(month: string): string {
  parseMonth(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: string): string {
  const [y, m] = parseMonth(month);
  return `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

/** Every month key from the month of `start` to the month of `end`, both included. */
export function eachMonth(start: string, end: string): string[] {
  assertOrdered(start, end);
  const months: string[] = [];
  for (let month = monthOf(start); month <= monthOf(end); month = monthOf(addDays(lastDayOfMonth(month), 1))) {
    months.push(month);
  }
  return months;
}

// Validates a `fetch-jobs` message. The producer is our own onCityFile/refreshRecent, but a queue accepts
// anything, and a malformed job must be refused with a reason rather than fetch the wrong place or range.
import { ValidationError } from '../../errors.ts';
import type { FetchJob } from '../model.ts';
import { daysBetween, isValidDate } from '../dates.ts';

/** Longest range one job may ask for: a decade, well past FETCH_WINDOW_DAYS' default of a year. */
export const MAX_JOB_DAYS = 3_660;
// Control characters are refused separately: a regex naming them trips no-control-regex for no gain.
const ID = /^[^/\\#?]{1,100}$/;
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

function record(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new ValidationError('message', 'message is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError('message', 'message must be a JSON object');
  return value as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(field, `${field} must be a non-empty string`);
  return value;
}

function coordinate(body: Record<string, unknown>, field: string, limit: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new ValidationError(field, `${field} must be a number between -${limit} and ${limit}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function date(body: Record<string, unknown>, field: string): string {
  const value = text(body, field);
  if (!isValidDate(value)) throw new ValidationError(field, `${field} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

export function parseFetchJob(message: unknown): FetchJob {
  const body = record(message);
  if (body.v !== 1) throw new ValidationError('v', `v must be 1, got ${JSON.stringify(body.v)}`);
  const cityId = text(body, 'cityId');
  if (!ID.test(cityId) || hasControl(cityId)) throw new ValidationError('cityId', `cityId "${cityId}" is not a valid id (≤ 100 chars, no / \\ # ? or control characters)`);
  const start = date(body, 'start');
  const end = date(body, 'end');
  if (start > end) throw new ValidationError('end', `end ${end} is before start ${start}`);
  if ((daysBetween(start, end) + 1) > MAX_JOB_DAYS) throw new ValidationError('end', `the range ${start}..${end} is longer than ${MAX_JOB_DAYS} days`);
  const deferrals = body.deferrals ?? 0;
  if (typeof deferrals !== 'number' || !Number.isInteger(deferrals) || deferrals < 0) {
    throw new ValidationError('deferrals', `deferrals must be a whole number ≥ 0, got ${JSON.stringify(body.deferrals)}`);
  }
  return {
    v: 1,
    runId: text(body, 'runId'),
    cityId,
    city: text(body, 'city'),
    lat: coordinate(body, 'lat', 90),
    lng: coordinate(body, 'lng', 180),
    start,
    end,
    ...(deferrals > 0 ? { deferrals } : {}),
  };
}

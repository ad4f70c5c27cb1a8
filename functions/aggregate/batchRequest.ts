// The body of a replay or verify request (HTTP admin function or CLI), validated once for both entry points.
import { isValidCityId } from '../core/aggregate/decodeCityDayEvent.ts';
import { assertMonthRange } from '../core/aggregate/months.ts';
import { ValidationError } from '../errors.ts';

export interface ReplayRequest {
  cities?: string[];
  from: string;
  to: string;
  /** `live` = the aggregates table (rebased, ETag-safe alongside the stream); otherwise a side table, replaced. */
  target: 'live' | string;
}

export interface VerifyRequest {
  cities?: string[];
  from: string;
  to: string;
  sideTable: string;
}

/** The body fields each request reads (the HTTP definitions declare the same lists). */
export const REPLAY_FIELDS = ['from', 'to', 'cities', 'target'] as const;
export const VERIFY_FIELDS = ['from', 'to', 'cities', 'sideTable'] as const;

export const MAX_BATCH_MONTHS = 600;
export const MAX_BATCH_CITIES = 1_000;
// A replay creates its side table and replaces its months, so it may only ever touch tables of its own: the name
// starts with `replay` (table names are case-insensitive). Nothing else sharing the account (the app's tables, the
// Functions host's AzureWebJobs…/AzureFunctions… tables, another app's) can be named, created or overwritten.
const SIDE_TABLE = /^replay[A-Za-z0-9]{1,57}$/i;

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', 'body must be a JSON object');
  return body as Record<string, unknown>;
}

function cities(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BATCH_CITIES) {
    throw new ValidationError('cities', `cities must be a non-empty array of at most ${MAX_BATCH_CITIES} city ids`);
  }
  value.forEach((id, i) => {
    if (!isValidCityId(id)) throw new ValidationError('cities', `cities[${i}] is not a valid city id`);
  });
  return [...new Set(value as string[])];
}

export function assertSideTable(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SIDE_TABLE.test(value)) {
    throw new ValidationError(field, `${field} must be a side table name: "replay" then 1..57 letters or digits (e.g. replay1)`);
  }
  return value;
}

export function parseReplayRequest(body: unknown): ReplayRequest {
  const o = object(body);
  const range = assertMonthRange(o.from, o.to, MAX_BATCH_MONTHS);
  const target = o.target === 'live' ? 'live' : assertSideTable(o.target, 'target');
  const list = cities(o.cities);
  return { ...(list ? { cities: list } : {}), ...range, target };
}

export function parseVerifyRequest(body: unknown): VerifyRequest {
  const o = object(body);
  const range = assertMonthRange(o.from, o.to, MAX_BATCH_MONTHS);
  const list = cities(o.cities);
  return { ...(list ? { cities: list } : {}), ...range, sideTable: assertSideTable(o.sideTable, 'sideTable') };
}

// The body of a replay or verify request (HTTP admin function or CLI), validated once for both entry points.
import { isValidCityId } from '../core/aggregate/decodeCityDayEvent.ts';
import { assertMonthRange } from '../core/aggregate/months.ts';
import { RESOURCES } from '../config/settings.ts';
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
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
// A side table must never be one the app owns for something else.
const RESERVED_TABLES = new Set<string>([RESOURCES.aggregatesTable, RESOURCES.citiesTable, RESOURCES.runsTable].map((n) => n.toLowerCase()));
// Nor one of the Functions host's (diagnostic events, host logs): in Azure the host shares the storage account, and a
// replay replaces its side table.
const HOST_TABLE_PREFIXES = ['azurefunctions', 'azurewebjobs'];

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
  if (typeof value !== 'string' || !TABLE_NAME.test(value)) {
    throw new ValidationError(field, `${field} must be a table name (a letter, then 2..62 letters or digits)`);
  }
  if (RESERVED_TABLES.has(value.toLowerCase())) throw new ValidationError(field, `${field} must not be the app's table "${value}"`);
  if (HOST_TABLE_PREFIXES.some((prefix) => value.toLowerCase().startsWith(prefix))) {
    throw new ValidationError(field, `${field} must not name a table of the Functions host (AzureFunctions…, AzureWebJobs…)`);
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

// Validation of the query API's parameters. Every failure is a ValidationError naming the parameter.
import { isValidCityId } from '../core/aggregate/decodeCityDayEvent.ts';
import { assertMonthRange } from '../core/aggregate/months.ts';
import { ValidationError } from '../errors.ts';

export const MAX_QUERY_MONTHS = 120;
export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 100;
const MAX_CITY_PARAM = 120;
/** A city id as ingest writes it (a slug, or a file's own id in the same spirit). */
const CITY_ID_PARAM = /^[a-z0-9][a-z0-9._-]*$/;
/** A city name: letters, digits, spaces and the punctuation real place names use. */
const CITY_NAME_PARAM = /^[\p{L}\p{N}][\p{L}\p{N} ,.'()-]*$/u;

export type CityParam = { kind: 'id'; cityId: string } | { kind: 'name'; name: string };
export interface AggregatesQuery { city: CityParam; from: string; to: string; groupBy: 'month' | 'year' | 'all'; format: 'json' | 'csv' }
export interface CitiesQuery { pageSize: number; continuationToken: string | undefined }

/** The parameters each route reads (its definition declares the same list, for clients and the hostile-input test). */
export const AGGREGATES_PARAMETERS = ['city', 'from', 'to', 'groupBy', 'format'] as const;
export const CITIES_PARAMETERS = ['pageSize', 'continuationToken'] as const;

/** Parameters besides ours that the platform itself sends: `code` carries the function key. */
const PLATFORM = new Set(['code']);

function only(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name) && !PLATFORM.has(name)) throw new ValidationError(name, `unknown parameter ${JSON.stringify(name.slice(0, 40))}`);
    if (query.getAll(name).length > 1) throw new ValidationError(name, `${name} must be given once`);
  }
}

function oneOf<T extends string>(query: URLSearchParams, name: string, values: readonly T[], fallback: T): T {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ValidationError(name, `${name} must be one of ${values.join(', ')}`);
  return raw as T;
}

export function parseCityParam(raw: string | null): CityParam {
  if (raw === null || raw.trim() === '') throw new ValidationError('city', 'city is required (a city id or a city name)');
  if (raw.length > MAX_CITY_PARAM) throw new ValidationError('city', `city must be at most ${MAX_CITY_PARAM} characters`);
  if (CITY_ID_PARAM.test(raw) && isValidCityId(raw)) return { kind: 'id', cityId: raw };
  const name = raw.trim();
  if (CITY_NAME_PARAM.test(name)) return { kind: 'name', name };
  throw new ValidationError('city', "city may contain only letters, digits, spaces and , . ' ( ) -");
}

export function parseAggregatesQuery(query: URLSearchParams): AggregatesQuery {
  only(query, AGGREGATES_PARAMETERS);
  const city = parseCityParam(query.get('city'));
  const range = assertMonthRange(query.get('from') ?? undefined, query.get('to') ?? undefined, MAX_QUERY_MONTHS);
  return { city, ...range, groupBy: oneOf(query, 'groupBy', ['month', 'year', 'all'], 'month'), format: oneOf(query, 'format', ['json', 'csv'], 'json') };
}

export function parseCitiesQuery(query: URLSearchParams): CitiesQuery {
  only(query, CITIES_PARAMETERS);
  const rawSize = query.get('pageSize');
  let pageSize = DEFAULT_PAGE_SIZE;
  if (rawSize !== null) {
    if (!/^\d{1,5}$/.test(rawSize) || Number(rawSize) < 1 || Number(rawSize) > MAX_PAGE_SIZE) {
      throw new ValidationError('pageSize', `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    pageSize = Number(rawSize);
  }
  const token = query.get('continuationToken');
  if (token !== null && (token.length === 0 || token.length > 2_000 || !/^[A-Za-z0-9+/=_-]+$/.test(token))) {
    throw new ValidationError('continuationToken', 'continuationToken must be a token returned by a previous page');
  }
  return { pageSize, continuationToken: token ?? undefined };
}

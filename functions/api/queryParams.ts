// Validation of the query API's parameters. Every failure is a ValidationError naming the parameter.
import { ValidationError } from '../errors.ts';

export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 100;

export interface CitiesQuery { pageSize: number; continuationToken: string | undefined }

/** The parameters the route reads (its definition declares the same list, for clients and the hostile-input test). */
export const CITIES_PARAMETERS = ['pageSize', 'continuationToken'] as const;

/** Parameters besides ours that the platform itself sends: `code` carries the function key. */
const PLATFORM = new Set(['code']);

/** Refuses parameters not in `allowed` and any given twice. */
export function only(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name) && !PLATFORM.has(name)) throw new ValidationError(name, `unknown parameter ${JSON.stringify(name.slice(0, 40))}`);
    if (query.getAll(name).length > 1) throw new ValidationError(name, `${name} must be given once`);
  }
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

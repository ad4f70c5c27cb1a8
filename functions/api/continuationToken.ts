// Table Storage continuation tokens as the Tables SDK hands them out: base64 of `{"nextPartitionKey", "nextRowKey"?}`.
// The SDK decodes a token it is given with JSON.parse and no checks, so any other string became an unhandled error
// and a 500. A token is checked for exactly that shape here; its keys are opaque (the service's own encoding),
// travel as query parameters of the next request, never into a filter, and can only move within the query's filter.
import { ValidationError } from '../errors.ts';

const TOKEN = /^[A-Za-z0-9+/_-]{1,2000}={0,2}$/;
const MAX_KEY = 1024;
// eslint-disable-next-line no-control-regex -- control characters are what a key may not hold
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY && !CONTROL.test(value);
}

/** The token unchanged when it has the SDK's shape; else a ValidationError naming `field`. */
export function parseContinuationToken(raw: string | null, field = 'continuationToken'): string | undefined {
  if (raw === null) return undefined;
  const invalid = () => new ValidationError(field, `${field} must be a token returned by a previous page`);
  if (!TOKEN.test(raw)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const { nextPartitionKey, nextRowKey, ...rest } = decoded as Record<string, unknown>;
  if (!isKey(nextPartitionKey) || (nextRowKey !== undefined && !isKey(nextRowKey)) || Object.keys(rest).length > 0) throw invalid();
  return raw;
}

/** A 400 from the service for a page request can only be the token's doing: it names the token. */
export async function firstPage<T>(pages: AsyncIterableIterator<T>, field = 'continuationToken'): Promise<IteratorResult<T>> {
  try {
    return await pages.next();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 400) throw new ValidationError(field, `${field} was refused by the table service: it must be a token returned by a previous page`);
    throw error;
  }
}

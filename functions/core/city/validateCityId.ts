// A city id keys a Table PartitionKey/RowKey and a blob path segment (raw/<cityId>/...), so it must be legal in
// both: Table keys forbid / \ # ? and control characters; a blob segment must not be "." or ".." or end in ".".
import { ValidationError } from '../../errors.ts';
import { MAX_CITY_ID_LENGTH } from './slugCityId.ts';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/u;

/** Returns the id if valid; otherwise throws a ValidationError (field `id`) saying what is wrong. */
export function validateCityId(id: unknown): string {
  if (typeof id !== 'string') throw new ValidationError('id', `id must be a string, got ${id === null ? 'null' : typeof id}`);
  if (id.length === 0) throw new ValidationError('id', 'id must not be empty');
  if (id.trim() !== id) throw new ValidationError('id', 'id must not start or end with whitespace');
  if (id.length > MAX_CITY_ID_LENGTH) {
    throw new ValidationError('id', `id must be at most ${MAX_CITY_ID_LENGTH} characters, got ${id.length}`);
  }
  if (FORBIDDEN.test(id)) throw new ValidationError('id', 'id must not contain /, \\, #, ? or control characters');
  if (id.endsWith('.')) throw new ValidationError('id', 'id must not be "." or ".." or end with "." (it is a blob path segment)');
  return id;
}

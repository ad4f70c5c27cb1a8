import { describe, expect, it } from 'vitest';
import { validateCityId } from '../../../../functions/core/city/validateCityId.ts';
import { ValidationError } from '../../../../functions/errors.ts';

describe('validateCityId', () => {
  it.each(['peabody-ma-usa', 'KBOS', 'city_42', 'São Paulo', 'a.b', 'x'.repeat(100)])('accepts %j', (id) => {
    expect(validateCityId(id)).toBe(id);
  });

  it.each([
    ['', /must not be empty/],
    [' x', /whitespace/],
    ['x'.repeat(101), /at most 100 characters, got 101/],
    ['../x', /must not contain \/, \\, #, \?/],
    ['a\\b', /must not contain/],
    ['a#b', /must not contain/],
    ['a?b', /must not contain/],
    ['a\u0000b', /control characters/],
    ['a\tb', /control characters/],
    ['a\u0085b', /control characters/],
    ['.', /must not be "\." or "\.\."/],
    ['..', /must not be "\." or "\.\."/],
    ['abc.', /end with "\."/],
  ])('throws a ValidationError for %j', (id, message) => {
    expect(() => validateCityId(id)).toThrow(ValidationError);
    expect(() => validateCityId(id)).toThrow(message);
  });

  it.each([[42], [null], [{}]])('throws when the id is not a string (%j)', (id) => {
    expect(() => validateCityId(id)).toThrow(/^id must be a string/);
  });

  it.each<[unknown, string]>([
    [null, 'id must be a string, got null'],
    [42, 'id must be a string, got number'],
    ['', 'id must not be empty'],
    ['x ', 'id must not start or end with whitespace'],
    ['x'.repeat(101), 'id must be at most 100 characters, got 101'],
    ['a/b', 'id must not contain /, \\, #, ? or control characters'],
    ['abc.', 'id must not be "." or ".." or end with "." (it is a blob path segment)'],
  ])('refuses %j with a ValidationError on the field id and the message %j', (id, message) => {
    let thrown: unknown;
    try {
      validateCityId(id);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ field: 'id', message });
  });
});


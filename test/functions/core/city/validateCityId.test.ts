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
});

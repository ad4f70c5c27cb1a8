import { describe, expect, it } from 'vitest';
import { MAX_CITY_ID_LENGTH, slugCityId } from '../../../../functions/core/city/slugCityId.ts';
import { validateCityId } from '../../../../functions/core/city/validateCityId.ts';

describe('slugCityId', () => {
  it.each([
    ['Peabody, MA, USA', 'peabody-ma-usa'],
    ['  New Bedford,  MA , USA  ', 'new-bedford-ma-usa'],
    ['São Paulo, Brazil', 'sao-paulo-brazil'],
    ['Zürich', 'zurich'],
    ['Coeur d’Alene, ID', 'coeur-d-alene-id'],
    ['ÅLESUND', 'alesund'],
    ['St. John\'s -- NL', 'st-john-s-nl'],
    ['../x', 'x'],
    ['a/b\\c#d?e', 'a-b-c-d-e'],
  ])('slugs %j to %j', (name, expected) => {
    expect(slugCityId(name)).toBe(expected);
  });

  it('gives a name without ASCII letters a stable hashed id instead of an empty one', () => {
    const id = slugCityId('東京');
    expect(id).toMatch(/^city-[0-9a-f]{12}$/);
    expect(slugCityId('東京')).toBe(id);
    expect(slugCityId('大阪')).not.toBe(id);
    expect(slugCityId('---')).toMatch(/^city-[0-9a-f]{12}$/);
  });

  it('caps long slugs at 100 characters and keeps names that share a long prefix apart', () => {
    const prefix = 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch '.repeat(3);
    const a = slugCityId(`${prefix} North`);
    const b = slugCityId(`${prefix} South`);
    expect(a.length).toBeLessThanOrEqual(MAX_CITY_ID_LENGTH);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(['Peabody, MA, USA', '東京', 'x'.repeat(500), '..', 'Ölüdeniz'])('always produces a valid city id for %j', (name) => {
    expect(validateCityId(slugCityId(name))).toBe(slugCityId(name));
  });

  it('keeps a slug of exactly 100 characters as it is (no hash)', () => {
    expect(slugCityId('x'.repeat(100))).toBe('x'.repeat(100));
  });

  it('hashes the trimmed name, so surrounding spaces give the same id (long and non-ASCII names alike)', () => {
    expect(slugCityId('東京')).toBe('city-130016b2599b');
    expect(slugCityId('  東京 ')).toBe('city-130016b2599b');
    const long = `a b ${'x'.repeat(82)} ${'y'.repeat(20)}`;
    expect(slugCityId(` ${long}  `)).toBe(slugCityId(long));
  });

  it('cuts a long slug to 87 characters, drops only the hyphens at the cut, and appends the hash (stable across releases)', () => {
    // The cut falls just after the hyphen between the x's and the y's; the hyphen inside "a-b" stays.
    expect(slugCityId(`a b ${'x'.repeat(82)} ${'y'.repeat(20)}`)).toBe(`a-b-${'x'.repeat(82)}-4df94990ca14`);
  });
});

import { describe, expect, it } from 'vitest';
import { SAME_PLACE_TOLERANCE, createCityCoordinates } from '../../../../functions/core/city/cityCoordinates.ts';

const city = (cityId: string, lat: number, lng: number) => ({ cityId, city: cityId, lat, lng });

describe('createCityCoordinates', () => {
  it('takes coordinates that differ by exactly the tolerance, in latitude or longitude, as the same place', () => {
    const seen = createCityCoordinates();
    expect(seen.check(city('a', 0, 0), 1)).toBeUndefined();
    expect(seen.check(city('a', SAME_PLACE_TOLERANCE, 0), 2)).toBeUndefined();
    expect(seen.check(city('a', 0, -SAME_PLACE_TOLERANCE), 3)).toBeUndefined();
    expect(seen.size).toBe(1);
  });

  it('refuses the same id at another longitude alone, naming the earlier line and its coordinates', () => {
    const seen = createCityCoordinates();
    seen.check(city('a', 10, 20), 4);
    expect(seen.check(city('a', 10, 20 + 3 * SAME_PLACE_TOLERANCE), 9)).toBe(
      'city id "a" already has other coordinates on line 4 (lat 10, lng 20); give one of them a distinct id',
    );
  });

  it('refuses the same id at another latitude alone', () => {
    const seen = createCityCoordinates();
    seen.check(city('a', 0, 0), 1);
    expect(seen.check(city('a', 2 * SAME_PLACE_TOLERANCE, 0), 2)).toMatch(/^city id "a" already has other coordinates on line 1/);
  });

  it('remembers each id once, however often it repeats', () => {
    const seen = createCityCoordinates();
    for (const [i, id] of ['a', 'b', 'a', 'c', 'b'].entries()) seen.check(city(id, 1, 1), i + 1);
    expect(seen.size).toBe(3);
  });
});

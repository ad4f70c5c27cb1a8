// Remembers the coordinates first seen for each city id in one file, so the same id with other coordinates is
// rejected instead of silently merging two places. One small entry per distinct id: bounded by the file's cities.
import type { City } from '../model.ts';

/** Coordinates closer than this (degrees, about 0.1 m) are the same place written twice. */
export const SAME_PLACE_TOLERANCE = 1e-6;

export interface CityCoordinates {
  /** Records the city, or returns why it conflicts with an earlier line. */
  check(city: City, line: number): string | undefined;
  readonly size: number;
}

export function createCityCoordinates(): CityCoordinates {
  const seen = new Map<string, { lat: number; lng: number; line: number }>();
  return {
    check(city, line) {
      const earlier = seen.get(city.cityId);
      if (!earlier) {
        seen.set(city.cityId, { lat: city.lat, lng: city.lng, line });
        return undefined;
      }
      if (Math.abs(earlier.lat - city.lat) <= SAME_PLACE_TOLERANCE && Math.abs(earlier.lng - city.lng) <= SAME_PLACE_TOLERANCE) {
        return undefined;
      }
      return (
        `city id "${city.cityId}" already has other coordinates on line ${earlier.line} ` +
        `(lat ${earlier.lat}, lng ${earlier.lng}); give one of them a distinct id`
      );
    },
    get size() {
      return seen.size;
    },
  };
}

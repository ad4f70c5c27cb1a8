// Builds valid CityDayEvents for tests; override any field.
import type { CityDayEvent } from '../../../../functions/core/model.ts';

export function makeEvent(overrides: Partial<CityDayEvent> = {}): CityDayEvent {
  return {
    v: 1,
    cityId: 'peabody-ma-usa',
    city: 'Peabody, MA, USA',
    lat: 42.536457,
    lng: -70.985786,
    gridLat: 42.5,
    gridLng: -71,
    date: '2023-01-01',
    hourly: Array.from({ length: 24 }, (_, h) => Math.round((h - 12) * 0.7 * 10) / 10),
    source: { api: 'open-meteo-archive', fetchedAt: '2023-09-23T10:00:00Z' },
    ...overrides,
  };
}

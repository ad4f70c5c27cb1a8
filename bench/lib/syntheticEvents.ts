// Deterministic city-day events for benchmarks that need many of them without a network or a fetch stage.
import type { CityDayEvent } from '../../functions/core/model.ts';

export function syntheticEvents(cities: number, days: number, start = '2023-01-01'): CityDayEvent[] {
  const events: CityDayEvent[] = [];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let c = 0; c < cities; c++) {
    const lat = 25 + ((c * 7.3) % 23);
    const lng = -120 + ((c * 11.9) % 50);
    for (let d = 0; d < days; d++) {
      const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
      const hourly = Array.from({ length: 24 }, (_, h) =>
        Math.round((10 + 12 * Math.sin((2 * Math.PI * (d - 100)) / 365) + 5 * Math.sin((2 * Math.PI * (h - 9)) / 24) + ((c + d + h) % 7) * 0.3) * 10) / 10,
      );
      events.push({
        v: 1, cityId: `city-${c}`, city: `City ${c}`, lat, lng, gridLat: lat, gridLng: lng, date, hourly,
        source: { api: 'open-meteo-archive', fetchedAt: '2023-09-23T00:00:00.000Z', runId: 'bench' },
      });
    }
  }
  return events;
}

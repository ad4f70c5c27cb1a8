// The recorded us50-2023 data as CityDayEvents (nearest recorded cell per city, Euclidean in degrees), plus an
// independent reference computed straight from the hourly series, without the aggregation core.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { CityDayEvent } from '../../../functions/core/model.ts';

interface Cell { latitude: number; longitude: number; temperature_2m: (number | null)[] }
interface City { cityId: string; city: string; lat: number; lng: number; cell: Cell }

const root = new URL('../../../local/data/us50-2023/', import.meta.url);
const FIRST_HOUR = Date.parse('2023-01-01T00:00:00Z');

function load(): { cities: City[]; hours: number } {
  const packed = JSON.parse(gunzipSync(readFileSync(new URL('cells.json.gz', root))).toString('utf8')) as { firstHour: string; hours: number; cells: Cell[] };
  if (Date.parse(`${packed.firstHour}:00Z`) !== FIRST_HOUR) throw new Error(`unexpected firstHour ${packed.firstHour}`);
  const lines = readFileSync(new URL('cities.jsonl', root), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const cities = lines.map((line) => {
    const { city, lat, lng } = JSON.parse(line) as { city: string; lat: number; lng: number };
    const cell = packed.cells.reduce((best, c) =>
      Math.hypot(c.latitude - lat, c.longitude - lng) < Math.hypot(best.latitude - lat, best.longitude - lng) ? c : best);
    return { cityId: city.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), city, lat, lng, cell };
  });
  return { cities, hours: packed.hours };
}

export const recorded = load();

export function recordedEvents(fetchedAt = '2023-09-23T10:00:00Z', cities = recorded.cities): CityDayEvent[] {
  const events: CityDayEvent[] = [];
  for (const c of cities) {
    for (let start = 0; start < recorded.hours; start += 24) {
      events.push({
        v: 1, cityId: c.cityId, city: c.city, lat: c.lat, lng: c.lng, gridLat: c.cell.latitude, gridLng: c.cell.longitude,
        date: new Date(FIRST_HOUR + start * 3_600_000).toISOString().slice(0, 10),
        hourly: c.cell.temperature_2m.slice(start, start + 24),
        source: { api: 'open-meteo-archive', model: 'era5', fetchedAt },
      });
    }
  }
  return events;
}

export interface Reference { min: number; max: number; mean: number; count: number; minAt: string; maxAt: string; days: number }

/** Per `cityId/M|YYYY-MM`: computed hour by hour over the whole month, first occurrence wins the extremes. */
export function referenceAggregates(cities = recorded.cities): Map<string, Reference> {
  const out = new Map<string, Reference & { sum: number }>();
  for (const c of cities) {
    c.cell.temperature_2m.forEach((value, h) => {
      const at = new Date(FIRST_HOUR + h * 3_600_000).toISOString();
      const key = `${c.cityId}/M|${at.slice(0, 7)}`;
      const r = out.get(key) ?? { min: Infinity, max: -Infinity, mean: 0, sum: 0, count: 0, minAt: '', maxAt: '', days: 0 };
      if (h % 24 === 0) r.days++;
      if (value !== null) {
        r.sum += value;
        r.count++;
        if (value < r.min) [r.min, r.minAt] = [value, at.replace('.000Z', 'Z')];
        if (value > r.max) [r.max, r.maxAt] = [value, at.replace('.000Z', 'Z')];
      }
      r.mean = r.sum / r.count;
      out.set(key, r);
    });
  }
  return out;
}

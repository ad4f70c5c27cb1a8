// An independent reference for CLI tests: month min/max/mean/count straight from the recorded hourly series
// (local/data/us50-2023/cells.json.gz), nearest cell per coordinate, without any of the app's code.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

interface Cell { latitude: number; longitude: number; temperature_2m: (number | null)[] }
const packed = JSON.parse(gunzipSync(readFileSync(new URL('../../../local/data/us50-2023/cells.json.gz', import.meta.url))).toString('utf8')) as {
  firstHour: string;
  cells: Cell[];
};
const FIRST = Date.parse(`${packed.firstHour}:00Z`);

export const seedCities = readFileSync(new URL('../../../local/data/us50-2023/cities.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { city: string; lat: number; lng: number });

export interface ReferenceRow { city: string; year: number; month: number; min: number; max: number; mean: number; count: number; missingHours: number }

/** Rows for one city over the union of [start, end] ranges (days counted once), sorted by month. */
export function referenceRows(city: { city: string; lat: number; lng: number }, ranges: [string, string][]): ReferenceRow[] {
  const cell = packed.cells.reduce((a, b) => (Math.hypot(b.latitude - city.lat, b.longitude - city.lng) < Math.hypot(a.latitude - city.lat, a.longitude - city.lng) ? b : a));
  const hours = new Set<number>();
  for (const [start, end] of ranges) {
    for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T23:00:00Z`); t += 3_600_000) hours.add((t - FIRST) / 3_600_000);
  }
  const months = new Map<string, { values: number[]; missing: number }>();
  for (const h of [...hours].sort((a, b) => a - b)) {
    const key = new Date(FIRST + h * 3_600_000).toISOString().slice(0, 7);
    const m = months.get(key) ?? { values: [], missing: 0 };
    const v = cell.temperature_2m[h];
    if (v === null || v === undefined) m.missing++;
    else m.values.push(v);
    months.set(key, m);
  }
  return [...months].map(([key, m]) => ({
    city: city.city,
    year: Number(key.slice(0, 4)),
    month: Number(key.slice(5, 7)),
    min: Math.min(...m.values),
    max: Math.max(...m.values),
    mean: m.values.reduce((a, b) => a + b, 0) / m.values.length,
    count: m.values.length,
    missingHours: m.missing,
  }));
}

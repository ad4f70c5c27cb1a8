// Deterministic stand-in weather for any coordinate and range: a seasonal curve by latitude, a diurnal curve by
// local solar time, and noise from a hash of (grid cell, hour). The hour is absolute, so overlapping requests
// agree on every shared hour, and the same request always gets the same bytes.

const HOUR_MS = 3_600_000;
const YEAR_HOURS = 365.2425 * 24;

/** Snaps a coordinate to the 0.1° grid, as the archive answers with its grid cell, not the point asked for. */
export function gridCell(lat: number, lng: number): { latitude: number; longitude: number } {
  return { latitude: Math.round(lat * 10) / 10, longitude: Math.round(lng * 10) / 10 };
}

/** A 32-bit integer hash (a few rounds of xorshift-multiply) mapped to [0, 1). */
function hash01(a: number, b: number, c: number): number {
  let h = Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77) ^ Math.imul(c | 0, 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export function syntheticElevation(lat: number, lng: number): number {
  const cell = gridCell(lat, lng);
  return Math.round(hash01(cell.latitude * 10, cell.longitude * 10, 7) * 1_500);
}

/** Hourly °C (one decimal) for `hours` hours from `firstHourMs` (a UTC instant on the hour). */
export function syntheticSeries(lat: number, lng: number, firstHourMs: number, hours: number): number[] {
  const cell = gridCell(lat, lng);
  const gy = Math.round(cell.latitude * 10);
  const gx = Math.round(cell.longitude * 10);
  const absLat = Math.abs(cell.latitude);
  const mean = 28 - 0.45 * absLat;
  const seasonal = 0.3 * absLat * (cell.latitude >= 0 ? 1 : -1);
  const values = new Array<number>(hours);
  for (let i = 0; i < hours; i++) {
    const hour = Math.round((firstHourMs + i * HOUR_MS) / HOUR_MS);
    // Coldest around 15 January in the north; warmest mid-afternoon local solar time.
    const season = -Math.cos((2 * Math.PI * (hour - 14 * 24)) / YEAR_HOURS);
    const solarHour = (((hour % 24) + cell.longitude / 15) % 24 + 24) % 24;
    const day = Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
    const noise = (hash01(gy, gx, hour) - 0.5) * 3;
    values[i] = Math.round((mean + seasonal * season + 5 * day + noise) * 10) / 10;
  }
  return values;
}

// Parses /v1/archive's query like the real API: comma-separated coordinates, start/end dates, hourly variables.
// A bad request gets the API's 400 `{error: true, reason}` with a reason worded like Open-Meteo's.

export const ARCHIVE_FIRST_DAY = '1940-01-01';

export interface ArchiveQuery {
  locations: { lat: number; lng: number }[];
  start: string;
  end: string;
  timezone: 'GMT' | 'UTC';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return DATE.test(text) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

function floats(params: URLSearchParams, key: string): number[] | string {
  const raw = params.get(key);
  if (raw === null || raw.trim() === '') return `Value of type 'Float' required for key '${key}'.`;
  const values = raw.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  if (values.some((v) => !Number.isFinite(v))) return `Value of type 'Float' required for key '${key}'.`;
  return values;
}

/** The parsed query, or the reason the real API would refuse it. */
export function parseArchiveQuery(params: URLSearchParams, availableUntil: string): ArchiveQuery | { reason: string } {
  const lats = floats(params, 'latitude');
  if (typeof lats === 'string') return { reason: lats };
  const lngs = floats(params, 'longitude');
  if (typeof lngs === 'string') return { reason: lngs };
  if (lats.length !== lngs.length) return { reason: "Parameter 'latitude' and 'longitude' must have the same number of elements" };
  for (const lat of lats) if (lat < -90 || lat > 90) return { reason: `Latitude must be in range of -90 to 90°. Given: ${lat.toFixed(1)}.` };
  for (const lng of lngs) if (lng < -180 || lng > 180) return { reason: `Longitude must be in range of -180 to 180°. Given: ${lng.toFixed(1)}.` };

  const start = params.get('start_date');
  const end = params.get('end_date');
  if (start === null || end === null) return { reason: "Parameter 'start_date' and 'end_date' must be set" };
  for (const [key, value] of [['start_date', start], ['end_date', end]] as const) {
    if (!isDate(value)) return { reason: `Invalid date format for '${key}'. Make sure to use 'YYYY-MM-DD'` };
    if (value < ARCHIVE_FIRST_DAY || value > availableUntil) {
      return { reason: `Parameter '${key}' is out of allowed range from ${ARCHIVE_FIRST_DAY} to ${availableUntil}` };
    }
  }
  if (end < start) return { reason: 'End-date must be larger or equals than start-date' };

  const hourly = params.get('hourly');
  if (hourly !== 'temperature_2m') return { reason: `This stand-in serves hourly=temperature_2m only, got '${hourly ?? ''}'` };
  const timezone = (params.get('timezone') ?? 'GMT').toUpperCase();
  if (timezone !== 'GMT' && timezone !== 'UTC') return { reason: `This stand-in serves timezone=UTC or GMT only, got '${timezone}'` };
  return { locations: lats.map((lat, i) => ({ lat, lng: lngs[i]! })), start, end, timezone };
}

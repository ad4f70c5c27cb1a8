// Decodes one event body (or raw blob) into a CityDayEvent. Never throws on bad input: the caller dead-letters
// the reason, so every rejection names the offending field.
import { isValidDate } from '../dates.ts';
import { EVENT_SCHEMA_VERSION, type CityDayEvent } from '../model.ts';

export type DecodeResult = { ok: true; event: CityDayEvent } | { ok: false; reason: string };

/** Plausible 2 m air temperatures in °C; the world records are -89.2 and 56.7. */
export const TEMPERATURE_RANGE = { min: -100, max: 70 } as const;

// Same rule as a Table PartitionKey and a blob path segment (design: cityId contract).
// eslint-disable-next-line no-control-regex -- control characters are exactly what the rule excludes
const CITY_ID = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,100}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isValidCityId(value: unknown): value is string {
  return typeof value === 'string' && CITY_ID.test(value) && value.trim() === value;
}


function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (body instanceof Uint8Array) return parseBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  if (typeof body !== 'string') return { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkHourly(hourly: unknown): string | undefined {
  if (!Array.isArray(hourly) || hourly.length !== 24) return 'hourly must be an array of 24 entries';
  for (let hour = 0; hour < 24; hour++) {
    const value: unknown = hourly[hour];
    if (value === null) continue;
    if (!isFiniteNumber(value)) return `hourly[${hour}] must be a finite number or null`;
    if (value < TEMPERATURE_RANGE.min || value > TEMPERATURE_RANGE.max) {
      return `hourly[${hour}] = ${value} is outside ${TEMPERATURE_RANGE.min}..${TEMPERATURE_RANGE.max} °C`;
    }
  }
  return undefined;
}

function checkFields(o: Record<string, unknown>): string | undefined {
  if (o.v !== EVENT_SCHEMA_VERSION) return `v must be ${EVENT_SCHEMA_VERSION}, got ${JSON.stringify(o.v) ?? 'nothing'}`;
  if (!isValidCityId(o.cityId)) return 'cityId must be 1..100 characters without / \\ # ? or control characters';
  if (typeof o.city !== 'string' || o.city.length === 0 || o.city.length > 200) return 'city must be a non-empty string';
  if (!isFiniteNumber(o.lat) || o.lat < -90 || o.lat > 90) return 'lat must be a number in -90..90';
  if (!isFiniteNumber(o.lng) || o.lng < -180 || o.lng > 180) return 'lng must be a number in -180..180';
  if (!isFiniteNumber(o.gridLat) || o.gridLat < -90 || o.gridLat > 90) return 'gridLat must be a number in -90..90';
  if (!isFiniteNumber(o.gridLng) || o.gridLng < -180 || o.gridLng > 180) return 'gridLng must be a number in -180..180';
  if (o.elevation !== undefined && !isFiniteNumber(o.elevation)) return 'elevation must be a number when present';
  if (!isValidDate(o.date)) return 'date must be a calendar date YYYY-MM-DD';
  const hourly = checkHourly(o.hourly);
  if (hourly) return hourly;
  const source = o.source;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return 'source must be an object';
  const s = source as Record<string, unknown>;
  if (typeof s.api !== 'string' || s.api.length === 0) return 'source.api must be a non-empty string';
  if (typeof s.fetchedAt !== 'string' || !TIMESTAMP.test(s.fetchedAt) || !Number.isFinite(Date.parse(s.fetchedAt))) {
    return 'source.fetchedAt must be an ISO 8601 timestamp with a zone';
  }
  if (s.synthetic !== undefined && s.synthetic !== true) return 'source.synthetic must be true when present';
  return undefined;
}

export function decodeCityDayEvent(body: unknown): DecodeResult {
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'body is not a JSON object' };
  const reason = checkFields(value as Record<string, unknown>);
  if (reason) return { ok: false, reason };
  return { ok: true, event: value as CityDayEvent };
}

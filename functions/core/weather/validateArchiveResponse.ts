// Checks an Open-Meteo archive response before anything uses it. The API is outside our control: a wrong shape
// must fail loudly here, naming the field, not surface later as a zero reading or a shifted hour.
import { UpstreamError } from '../../errors.ts';

export interface ArchiveResponse {
  latitude: number;
  longitude: number;
  elevation?: number;
  utc_offset_seconds: 0;
  hourly: { time: string[]; temperature_2m: (number | null)[] };
  /** Made-up data (our Open-Meteo stand-in says so with `"synthetic": true`; the real API never does). */
  synthetic?: true;
}

/** The response does not have the shape we rely on; `field` names the first thing wrong. */
export class ArchiveResponseError extends UpstreamError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`Open-Meteo response: ${field} ${message}`);
    this.field = field;
  }
}

const HOUR = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):00$/;
const HOUR_MS = 3_600_000;
const ZERO = 48; // '0'
const COLON = 58; // ':'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(body: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArchiveResponseError(field, `must be a number, got ${JSON.stringify(value)}`);
  if (value < min || value > max) throw new ArchiveResponseError(field, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Parses `YYYY-MM-DDTHH:00` as a UTC instant, or undefined if it is not a real hour. */
export function parseHour(text: string): number | undefined {
  const match = HOUR.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(`${text}:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 16) !== text) return undefined;
  return ms;
}

/**
 * True when `text` is the hour after `previous` (whose hour of day is `hour`, below 23) as the API writes it: the
 * same `YYYY-MM-DDT`, the next two digits, `:00`. Checked in place, without building the expected text.
 */
function isNextHourSameDay(previous: string, hour: number, text: string): boolean {
  if (text.length !== 16 || text.charCodeAt(13) !== COLON || text.charCodeAt(14) !== ZERO || text.charCodeAt(15) !== ZERO) return false;
  for (let c = 0; c < 11; c++) if (text.charCodeAt(c) !== previous.charCodeAt(c)) return false;
  const next = hour + 1;
  return text.charCodeAt(11) === ZERO + Math.floor(next / 10) && text.charCodeAt(12) === ZERO + (next % 10);
}

export function validateArchiveResponse(body: unknown): ArchiveResponse {
  if (!isRecord(body)) throw new ArchiveResponseError('body', `must be a JSON object, got ${Array.isArray(body) ? 'an array' : typeof body}`);
  const latitude = finite(body, 'latitude', -90, 90);
  const longitude = finite(body, 'longitude', -180, 180);
  const elevation = body.elevation === undefined ? undefined : finite(body, 'elevation', -1_000, 10_000);
  if (body.utc_offset_seconds !== 0) {
    throw new ArchiveResponseError('utc_offset_seconds', `must be 0 (we ask for timezone=UTC), got ${JSON.stringify(body.utc_offset_seconds)}`);
  }
  const hourly = body.hourly;
  if (!isRecord(hourly)) throw new ArchiveResponseError('hourly', 'must be an object');
  const { time, temperature_2m: values } = hourly;
  if (!Array.isArray(time)) throw new ArchiveResponseError('hourly.time', 'must be an array');
  if (!Array.isArray(values)) throw new ArchiveResponseError('hourly.temperature_2m', 'must be an array');
  if (time.length !== values.length) {
    throw new ArchiveResponseError('hourly.temperature_2m', `has ${values.length} values for ${time.length} hours`);
  }
  let previous: number | undefined;
  let previousText = '';
  for (let i = 0; i < time.length; i++) {
    const text: unknown = time[i];
    // Within a day, the hour after the previous one as the API writes it settles it (parsing every stamp was ~10% of
    // the app's CPU in the seed); the first stamp, each day's first and anything unexpected are parsed in full.
    const hour = previous === undefined ? 23 : (((previous / HOUR_MS) % 24) + 24) % 24; // before 1970 too
    const at = hour < 23 && typeof text === 'string' && isNextHourSameDay(previousText, hour, text)
      ? (previous as number) + HOUR_MS
      : typeof text === 'string' ? parseHour(text) : undefined;
    if (at === undefined) throw new ArchiveResponseError(`hourly.time[${i}]`, `must be an hour YYYY-MM-DDTHH:00, got ${JSON.stringify(text)}`);
    if (previous !== undefined && at !== previous + HOUR_MS) {
      throw new ArchiveResponseError(`hourly.time[${i}]`, `${text as string} does not follow ${time[i - 1] as string} by one hour`);
    }
    previous = at;
    previousText = text as string;
    const value: unknown = values[i];
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new ArchiveResponseError(`hourly.temperature_2m[${i}]`, `must be a number or null, got ${JSON.stringify(value)}`);
    }
  }
  return {
    latitude,
    longitude,
    ...(elevation === undefined ? {} : { elevation }),
    utc_offset_seconds: 0,
    hourly: { time: time as string[], temperature_2m: values as (number | null)[] },
    ...(body.synthetic === true ? { synthetic: true as const } : {}),
  };
}

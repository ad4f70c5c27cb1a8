// The raw zone: one blob per Open-Meteo response, the body exactly as received, named
// `<cityId>/<start>_<end>/<fetchedAt>.json` in container `raw`, never overwritten. The blob metadata holds what
// the body lacks (whose response it is, when it was fetched), so replay rebuilds the very events ingest published.
// Metadata must be ASCII: every free-text value travels percent-encoded (encodeURIComponent), which is reversible.
import { isValidCityId } from '../aggregate/decodeCityDayEvent.ts';
import { isValidDate } from '../dates.ts';
import type { CityDayEvent, FetchJob } from '../model.ts';
import { normaliseArchiveResponse, type NormaliseStats } from './normaliseArchiveResponse.ts';
import type { ArchiveResponse } from './validateArchiveResponse.ts';

/** Version of this layout (name + metadata); bump when either changes meaning. */
export const RAW_SCHEMA_VERSION = 1;

/** What identifies one kept response: the job's city, the window asked of the API, and when it answered. */
export interface RawResponseInfo {
  cityId: string;
  city: string;
  lat: number;
  lng: number;
  start: string; // YYYY-MM-DD, first day of the window asked for
  end: string; // YYYY-MM-DD, last day (inclusive)
  /** As Date.prototype.toISOString writes it (`2023-09-23T10:00:00.000Z`): the events' `source.fetchedAt`. */
  fetchedAt: string;
  runId: string;
  model: string;
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}):(\d{2}):(\d{2}\.\d{3}Z)$/;
const NAME = /^([^/]+)\/(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2}\.\d{3}Z)(?:~([1-9]\d{0,2}))?\.json$/;

/** `2023-09-23T10:00:00.000Z` → `2023-09-23T10-00-00.000Z`: no colon, fixed width, so names sort by instant. */
export function nameSafeInstant(fetchedAt: string): string {
  const match = ISO_INSTANT.exec(fetchedAt);
  if (!match) throw new RangeError(`fetchedAt must be an instant as toISOString writes it, got ${JSON.stringify(fetchedAt)}`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/**
 * The blob name of a response. `copy` > 0 only when another response already holds the plain name (two fetches of
 * one window in the same millisecond): `~1` sorts after the plain name, so the listing order stays by instant.
 */
export function rawResponseName(info: Pick<RawResponseInfo, 'cityId' | 'start' | 'end' | 'fetchedAt'>, copy = 0): string {
  return `${info.cityId}/${info.start}_${info.end}/${nameSafeInstant(info.fetchedAt)}${copy > 0 ? `~${copy}` : ''}.json`;
}

export interface RawResponseName {
  cityId: string;
  start: string;
  end: string;
  fetchedAt: string;
  copy: number;
}

/** Reads a name written by rawResponseName; undefined for anything else (a stray or an old per-day blob). */
export function parseRawResponseName(name: string): RawResponseName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [, cityId = '', start = '', end = '', hour = '', minute = '', rest = '', copy] = match;
  return { cityId, start, end, fetchedAt: `${hour}:${minute}:${rest}`, copy: copy === undefined ? 0 : Number(copy) };
}

/** Blob metadata (ASCII only) of a response. */
export function rawResponseMetadata(info: RawResponseInfo): Record<string, string> {
  return {
    schema: String(RAW_SCHEMA_VERSION),
    cityid: encodeURIComponent(info.cityId),
    city: encodeURIComponent(info.city),
    lat: String(info.lat),
    lng: String(info.lng),
    windowstart: info.start,
    windowend: info.end,
    fetchedat: info.fetchedAt,
    runid: encodeURIComponent(info.runId),
    model: encodeURIComponent(info.model),
  };
}

export type ReadInfoResult = { ok: true; info: RawResponseInfo } | { ok: false; reason: string };

function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function coordinate(value: string | undefined, limit: number): number | undefined {
  const number = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(number) && Math.abs(number) <= limit ? number : undefined;
}

/** Rebuilds a response's info from its blob name and metadata; never throws, the reason names what is wrong. */
export function readRawResponseInfo(name: string, metadata: Readonly<Record<string, string>>): ReadInfoResult {
  const parsed = parseRawResponseName(name);
  if (!parsed) return { ok: false, reason: 'name is not <cityId>/<start>_<end>/<fetchedAt>.json' };
  // Metadata keys are case-insensitive on the wire.
  const meta = new Map(Object.entries(metadata).map(([key, value]) => [key.toLowerCase(), value]));
  if (meta.get('schema') !== String(RAW_SCHEMA_VERSION)) return { ok: false, reason: `metadata schema must be ${RAW_SCHEMA_VERSION}, got ${JSON.stringify(meta.get('schema') ?? null)}` };
  const cityId = decoded(meta.get('cityid'));
  const city = decoded(meta.get('city'));
  const runId = decoded(meta.get('runid'));
  const model = decoded(meta.get('model'));
  const lat = coordinate(meta.get('lat'), 90);
  const lng = coordinate(meta.get('lng'), 180);
  const start = meta.get('windowstart');
  const end = meta.get('windowend');
  const fetchedAt = meta.get('fetchedat');
  if (!isValidCityId(cityId) || cityId !== parsed.cityId) return { ok: false, reason: 'metadata cityid is missing, invalid or not the one in the name' };
  if (!city || city.length > 200) return { ok: false, reason: 'metadata city must be a non-empty name' };
  if (lat === undefined || lng === undefined) return { ok: false, reason: 'metadata lat/lng must be numbers in -90..90 / -180..180' };
  if (!isValidDate(start) || !isValidDate(end) || start > end || start !== parsed.start || end !== parsed.end) {
    return { ok: false, reason: 'metadata windowstart/windowend must be the dates in the name' };
  }
  if (fetchedAt !== parsed.fetchedAt || !Number.isFinite(Date.parse(fetchedAt))) return { ok: false, reason: 'metadata fetchedat must be the instant in the name' };
  if (runId === undefined || model === undefined) return { ok: false, reason: 'metadata runid and model must be percent-encoded text' };
  return { ok: true, info: { cityId, city, lat, lng, start, end, fetchedAt, runId, model } };
}

/** The fetch job a response answered, as normalisation needs it. */
function jobOf(info: RawResponseInfo): FetchJob {
  return { v: 1, runId: info.runId, cityId: info.cityId, city: info.city, lat: info.lat, lng: info.lng, start: info.start, end: info.end };
}

/** One response → its city-day events: the one path from a response to events, for ingest and replay alike. */
export function normaliseRawResponse(response: ArchiveResponse, info: RawResponseInfo): { events: CityDayEvent[]; stats: NormaliseStats } {
  return normaliseArchiveResponse(response, jobOf(info), { fetchedAt: info.fetchedAt, ...(info.model ? { model: info.model } : {}) });
}

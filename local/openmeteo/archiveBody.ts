// Builds the archive response for one location, shaped like the real API's: the recorded series when the point
// lies within 0.5° of a recorded cell and the range within the recording, else the synthetic series. A synthetic
// body says so on the wire (`"synthetic": true`, a field the real API never sends), so whatever is computed from
// it can say so too.
import { nearestCell, type RecordedCells } from './recordedCells.ts';
import { gridCell, syntheticElevation, syntheticSeries } from './syntheticSeries.ts';

const HOUR_MS = 3_600_000;

/**
 * The time column for a range: the same for every location asked for that range, and formatting it was most of the
 * stand-in's CPU per call (~3 ms of ~4.5 for 242 days, by toISOString). Kept for the last few ranges; shared, so
 * never mutated.
 */
const timeColumns = new Map<string, readonly string[]>();
const TIME_COLUMNS_KEPT = 16;

function timeColumn(firstMs: number, hours: number): readonly string[] {
  const key = `${firstMs}/${hours}`;
  let time = timeColumns.get(key);
  if (!time) {
    time = Array.from({ length: hours }, (_, i) => new Date(firstMs + i * HOUR_MS).toISOString().slice(0, 16));
    if (timeColumns.size >= TIME_COLUMNS_KEPT) timeColumns.delete(timeColumns.keys().next().value!);
    timeColumns.set(key, time);
  }
  return time;
}

export interface LocationBody {
  latitude: number;
  longitude: number;
  utc_offset_seconds: 0;
  timezone: string;
  timezone_abbreviation: string;
  elevation?: number;
  hourly_units: { time: 'iso8601'; temperature_2m: '°C' };
  hourly: { time: readonly string[]; temperature_2m: (number | null)[] };
  /** Not in the JSON: which data answered (for tests and logs). */
  source?: 'recorded' | 'synthetic';
  /** In the JSON of a synthetic body only: the data is made up, not weather. */
  synthetic?: true;
}

/** Whether the recording answers this location and range; otherwise the stand-in could only make data up. */
export function isRecorded(recorded: RecordedCells, location: { lat: number; lng: number }, range: { start: string; end: string }): boolean {
  return recordedCell(recorded, location, range) !== undefined;
}

function recordedCell(recorded: RecordedCells, location: { lat: number; lng: number }, range: { start: string; end: string }) {
  const firstMs = Date.parse(`${range.start}T00:00:00Z`);
  const hours = (Date.parse(`${range.end}T00:00:00Z`) - firstMs) / HOUR_MS + 24;
  const offset = (firstMs - Date.parse(`${recorded.firstHour}:00Z`)) / HOUR_MS;
  return offset >= 0 && offset + hours <= recorded.hours ? nearestCell(recorded.cells, location.lat, location.lng) : undefined;
}

export function archiveBody(
  recorded: RecordedCells,
  location: { lat: number; lng: number },
  range: { start: string; end: string; timezone: string },
  nullTrailingDays: number,
): LocationBody {
  const firstMs = Date.parse(`${range.start}T00:00:00Z`);
  const hours = (Date.parse(`${range.end}T00:00:00Z`) - firstMs) / HOUR_MS + 24;
  const time = timeColumn(firstMs, hours);

  const offset = (firstMs - Date.parse(`${recorded.firstHour}:00Z`)) / HOUR_MS;
  const cell = recordedCell(recorded, location, range);
  let values: (number | null)[];
  let head: Pick<LocationBody, 'latitude' | 'longitude' | 'elevation'>;
  if (cell) {
    values = cell.temperature_2m.slice(offset, offset + hours);
    head = { latitude: cell.latitude, longitude: cell.longitude };
  } else {
    values = syntheticSeries(location.lat, location.lng, firstMs, hours);
    head = { ...gridCell(location.lat, location.lng), elevation: syntheticElevation(location.lat, location.lng) };
  }
  // ERA5 lags: the real API answers null for the most recent days until the reanalysis catches up.
  const nullFrom = Math.max(0, hours - nullTrailingDays * 24);
  for (let i = nullFrom; i < hours; i++) values[i] = null;

  return {
    latitude: head.latitude,
    longitude: head.longitude,
    utc_offset_seconds: 0,
    timezone: range.timezone,
    timezone_abbreviation: range.timezone,
    ...(head.elevation === undefined ? {} : { elevation: head.elevation }),
    hourly_units: { time: 'iso8601', temperature_2m: '°C' },
    hourly: { time, temperature_2m: values },
    source: cell ? 'recorded' : 'synthetic',
    ...(cell ? {} : { synthetic: true as const }),
  };
}

/** JSON for the wire: drops the `source` note (a synthetic body keeps its `synthetic` field). */
export function toWire(bodies: LocationBody[]): string {
  const strip = ({ source: _source, ...rest }: LocationBody) => rest;
  return JSON.stringify(bodies.length === 1 ? strip(bodies[0]!) : bodies.map(strip));
}

// The data contracts shared by ingest, aggregation, the batch replay and the API (see docs/architecture.md).

/** A city accepted from a city file. `cityId` is a stable slug (or the file's `id`), valid as a PartitionKey and path segment. */
export interface City {
  cityId: string;
  city: string;
  lat: number;
  lng: number;
}

/** One unit of fetch work on queue `fetch-jobs`: one city, one date window (inclusive, UTC days). */
export interface FetchJob {
  v: 1;
  /** The ingest run (one per city file or timer tick) this job belongs to; keys the run ledger. */
  runId: string;
  cityId: string;
  city: string;
  lat: number;
  lng: number;
  start: string; // YYYY-MM-DD
  end: string; // YYYY-MM-DD
  /** How many times a 429 has re-scheduled this job; bounded so a permanent 429 still ends in the poison queue. */
  deferrals?: number;
}

/**
 * One city-day on the wire (Event Hubs). At rest, raw/ keeps the API responses the events were made from (see
 * core/weather/rawResponse.ts); replay rebuilds these events from them with the same code.
 */
export interface CityDayEvent {
  v: 1;
  cityId: string;
  city: string;
  lat: number;
  lng: number;
  gridLat: number;
  gridLng: number;
  elevation?: number;
  date: string; // YYYY-MM-DD (UTC)
  /** 24 hourly temperature_2m readings in °C, hour 0..23 UTC; null = missing, never zero. */
  hourly: (number | null)[];
  /** `synthetic: true` when a stand-in made the readings up (never from the real API): results computed from it say so. */
  source: { api: string; model?: string; fetchedAt: string; runId?: string; synthetic?: true };
}

export const EVENT_SCHEMA_VERSION = 1;

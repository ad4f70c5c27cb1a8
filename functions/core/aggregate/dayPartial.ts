// One city-day reduced to what a month needs. Nulls are missing readings: they never count as values.
import type { CityDayEvent } from '../model.ts';

export interface DayPartial {
  /** null when the day has no readings (count 0). */
  min: number | null;
  max: number | null;
  /** Sum of the non-null readings, added in hour order so every path computes the same bits. */
  sum: number;
  count: number;
  missing: number;
  /** Hour (0..23 UTC) of the first occurrence of min / max; null when count is 0. */
  minHour: number | null;
  maxHour: number | null;
}

/** A day partial plus what identifies its version: the newer-wins rule compares `fetchedAt`. */
export interface DayRecord extends DayPartial {
  date: string; // YYYY-MM-DD
  fetchedAt: string; // ISO 8601
  /** The readings were made up by a stand-in (the event's `source.synthetic`); absent for real data. */
  synthetic?: true;
}

export function dayPartial(hourly: readonly (number | null)[]): DayPartial {
  return foldHours(hourly, { min: null, max: null, sum: 0, count: 0, missing: 0, minHour: null, maxHour: null });
}

/** Folds the hours into `partial` in place: the record is built once, with no intermediate copy. */
function foldHours<T extends DayPartial>(hourly: readonly (number | null)[], partial: T): T {
  // A plain indexed loop: this runs once per event on the aggregator's hot path.
  for (let hour = 0; hour < hourly.length; hour++) {
    const value = hourly[hour];
    if (value === null || value === undefined) {
      partial.missing++;
      continue;
    }
    partial.sum += value;
    partial.count++;
    // Strict comparisons: the earliest hour wins a tie, on every path.
    if (partial.min === null || value < partial.min) {
      partial.min = value;
      partial.minHour = hour;
    }
    if (partial.max === null || value > partial.max) {
      partial.max = value;
      partial.maxHour = hour;
    }
  }
  return partial;
}

export function dayRecord(event: CityDayEvent): DayRecord {
  const record: DayRecord = {
    date: event.date, fetchedAt: event.source.fetchedAt, min: null, max: null, sum: 0, count: 0, missing: 0, minHour: null, maxHour: null,
    ...(event.source.synthetic === true ? { synthetic: true as const } : {}),
  };
  return foldHours(event.hourly, record);
}

/** The UTC instant of an hour of a day, as the API reports minAt/maxAt. */
export function hourInstant(date: string, hour: number): string {
  return `${date}T${String(hour).padStart(2, '0')}:00:00Z`;
}

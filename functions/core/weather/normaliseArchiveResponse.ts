// Turns one validated archive response into one CityDayEvent per requested day. A missing reading stays null
// (never zero): a day absent from the response becomes 24 nulls, an implausible value becomes null, and both
// are counted so the job's log says how much of the data was not real.
import { EVENT_SCHEMA_VERSION, type CityDayEvent, type FetchJob } from '../model.ts';
import type { ArchiveResponse } from './validateArchiveResponse.ts';
import { addDays } from '../dates.ts';

/** `source.model` of an event made from a synthetic response: never the model the real archive would name. */
export const SYNTHETIC_MODEL = 'synthetic';

/** ERA5 2 m temperatures beyond these bounds are instrument or transport errors, not weather. */
export const PLAUSIBLE_CELSIUS = { min: -100, max: 70 } as const;

export interface NormaliseStats {
  days: number;
  /** Days the response did not cover at all (each became 24 nulls). */
  missingDays: number;
  /** Null hours in the events, including those of missing days and of rejected values. */
  nullHours: number;
  /** Values outside PLAUSIBLE_CELSIUS, replaced by null. */
  invalidValues: number;
  /** Days made up by a stand-in (the response said `synthetic`), not weather. */
  syntheticDays: number;
}

export interface NormaliseOptions {
  fetchedAt: string;
  model?: string;
}

export function normaliseArchiveResponse(
  response: ArchiveResponse,
  job: FetchJob,
  options: NormaliseOptions,
): { events: CityDayEvent[]; stats: NormaliseStats } {
  const byDay = new Map<string, (number | null)[]>();
  const { time, temperature_2m: values } = response.hourly;
  let invalidValues = 0;
  // Stamps come a day's hours at a time: the day (its text and its array) is looked up once per day, not per hour.
  let date = '';
  let hours: (number | null)[] | undefined;
  for (let i = 0; i < time.length; i++) {
    const stamp = time[i]!;
    if (date === '' || !stamp.startsWith(date)) {
      date = stamp.slice(0, 10);
      hours = undefined;
      if (date >= job.start && date <= job.end) {
        hours = byDay.get(date);
        if (!hours) byDay.set(date, (hours = new Array<number | null>(24).fill(null)));
      }
    }
    if (!hours) continue;
    let value = values[i] ?? null;
    if (value !== null && (value < PLAUSIBLE_CELSIUS.min || value > PLAUSIBLE_CELSIUS.max)) {
      invalidValues++;
      value = null;
    }
    // `YYYY-MM-DDTHH:00`: the hour's two digits, without a substring per reading.
    hours[(stamp.charCodeAt(11) - 48) * 10 + stamp.charCodeAt(12) - 48] = value;
  }

  const events: CityDayEvent[] = [];
  let missingDays = 0;
  let nullHours = 0;
  for (let date = job.start; date <= job.end; date = addDays(date, 1)) {
    let hourly = byDay.get(date);
    if (!hourly) {
      missingDays++;
      hourly = new Array<number | null>(24).fill(null);
    }
    nullHours += hourly.filter((value) => value === null).length;
    events.push({
      v: EVENT_SCHEMA_VERSION,
      cityId: job.cityId,
      city: job.city,
      lat: job.lat,
      lng: job.lng,
      gridLat: response.latitude,
      gridLng: response.longitude,
      ...(response.elevation === undefined ? {} : { elevation: response.elevation }),
      date,
      hourly,
      source: {
        api: 'open-meteo-archive',
        ...(response.synthetic ? { model: SYNTHETIC_MODEL, synthetic: true as const } : options.model ? { model: options.model } : {}),
        fetchedAt: options.fetchedAt,
        runId: job.runId,
      },
    });
  }
  return { events, stats: { days: events.length, missingDays, nullHours, invalidValues, syntheticDays: response.synthetic ? events.length : 0 } };
}

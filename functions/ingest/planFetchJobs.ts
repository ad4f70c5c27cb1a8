// Turns an accepted city into fetch jobs: picks its date range (the line's own, else the file's from blob metadata,
// else DEFAULT_START_DATE/DEFAULT_END_DATE), clips it to yesterday, and cuts it into FETCH_WINDOW_DAYS windows.
import { addDays, isValidDate, splitIntoWindows, toDateString, type DateRange } from '../core/dates.ts';
import type { City, FetchJob } from '../core/model.ts';

export interface PlanInput {
  city: City & { start?: string; end?: string };
  /** The file's range, from the blob's `start`/`end` metadata. */
  fileRange: DateRange | undefined;
  defaultRange: DateRange | undefined;
  windowDays: number;
  now: Date;
  runId: string;
}

export type FetchPlan =
  | { ok: true; jobs: FetchJob[]; range: DateRange; source: 'line' | 'file' | 'default'; clippedFrom?: string }
  | { ok: false; reason: string };

export const NO_RANGE_REASON =
  'no date range: set start/end on the line, the blob\'s metadata or DEFAULT_START_DATE/DEFAULT_END_DATE';

export type RangePlan =
  | { ok: true; range: DateRange; source: 'line' | 'file' | 'default'; clippedFrom?: string }
  | { ok: false; reason: string };

/** The range one line asks for: its own, else the file's, else the default; the end clipped to yesterday (UTC). */
export function planRange(input: Omit<PlanInput, 'windowDays' | 'runId'>): RangePlan {
  const { city } = input;
  const line = city.start !== undefined && city.end !== undefined ? { start: city.start, end: city.end } : undefined;
  const source = line ? 'line' : input.fileRange ? 'file' : input.defaultRange ? 'default' : undefined;
  const range = line ?? input.fileRange ?? input.defaultRange;
  if (!range || !source) return { ok: false, reason: NO_RANGE_REASON };

  // The archive API answers 400 for days it does not have yet; yesterday (UTC) is the latest worth asking for.
  // Its last few days come back as nulls until ERA5 catches up; refreshRecent re-fetches them later.
  const yesterday = addDays(toDateString(input.now), -1);
  if (range.start > yesterday) {
    return { ok: false, reason: `the date range ${range.start}..${range.end} (from the ${source}) is wholly after yesterday (${yesterday})` };
  }
  const end = range.end > yesterday ? yesterday : range.end;
  return { ok: true, range: { start: range.start, end }, source, ...(end !== range.end ? { clippedFrom: range.end } : {}) };
}

/** One job per FETCH_WINDOW_DAYS window of each range (the ranges of one city, disjoint). */
export function fetchJobsFor(city: City, ranges: readonly DateRange[], windowDays: number, runId: string): FetchJob[] {
  return ranges.flatMap((range) =>
    splitIntoWindows(range.start, range.end, windowDays).map(
      (window): FetchJob => ({ v: 1, runId, cityId: city.cityId, city: city.city, lat: city.lat, lng: city.lng, start: window.start, end: window.end }),
    ),
  );
}

export function planFetchJobs(input: PlanInput): FetchPlan {
  const plan = planRange(input);
  if (!plan.ok) return plan;
  return { ...plan, jobs: fetchJobsFor(input.city, [plan.range], input.windowDays, input.runId) };
}

/**
 * The file-level range from blob metadata (`start`/`end`, any case). Both or neither; an invalid value makes the
 * whole file unplannable rather than silently falling back to the default range.
 */
export function rangeFromMetadata(metadata: Readonly<Record<string, string>>): { ok: true; range?: DateRange } | { ok: false; reason: string } {
  const lookup = (name: string) => Object.entries(metadata).find(([key]) => key.toLowerCase() === name)?.[1]?.trim();
  const start = lookup('start');
  const end = lookup('end');
  if (!start && !end) return { ok: true };
  if (!start || !end) return { ok: false, reason: 'blob metadata must set start and end together' };
  if (!isValidDate(start)) return { ok: false, reason: `blob metadata start must be a calendar date YYYY-MM-DD, got "${String(start).slice(0, 40)}"` };
  if (!isValidDate(end)) return { ok: false, reason: `blob metadata end must be a calendar date YYYY-MM-DD, got "${String(end).slice(0, 40)}"` };
  if (start > end) return { ok: false, reason: `blob metadata start (${start}) is after end (${end})` };
  return { ok: true, range: { start, end } };
}

// The run ledger's arithmetic: every city-day a run asked for is aggregated, dead-lettered, or in a job that
// says why it was not fetched. Pure: the caller gathers the rows and the sets of days found downstream.
import { eachDay } from '../dates.ts';

export interface FileRecord {
  file: string;
  /** Distinct cities. */
  citiesAccepted: number;
  citiesRejected: number;
  /** Lines that repeated a city of an earlier line (merged into it, not errors). */
  duplicateLines?: number;
  jobs: number;
  cityDaysRequested: number;
}

export type JobStatus = 'done' | 'rejected' | 'failed';

export interface JobRecord {
  cityId: string;
  start: string;
  end: string;
  status: JobStatus;
  fetchedDays: number;
  /** Days that came back with no reading at all (null for every hour). */
  missingDays: number;
  publishedEvents: number;
  /** Days a stand-in made up (a synthetic response), not weather; absent when none. */
  syntheticDays?: number;
  reason?: string;
}

export interface RunReport {
  runId: string;
  file?: string;
  state: 'complete' | 'running';
  balanced: boolean;
  cities: { accepted: number; rejected: number; duplicateLines: number };
  jobs: { planned: number; done: number; rejected: number; failed: number; pending: number };
  cityDays: {
    requested: number;
    fetched: number;
    missing: number;
    published: number;
    /** Fetched days whose readings a stand-in made up: the results that include them are not weather. */
    synthetic: number;
    aggregated: number;
    deadLettered: number;
    notFetched: number;
    unaccounted: number;
  };
  problems: string[];
}

export const dayKey = (cityId: string, date: string): string => `${cityId}|${date}`;

export interface ReconcileInput {
  runId: string;
  file: FileRecord | undefined;
  jobs: readonly JobRecord[];
  /** dayKey()s present in the aggregates table. */
  aggregated: ReadonlySet<string>;
  /** dayKey()s of this run's events found in deadletter/. */
  deadLettered: ReadonlySet<string>;
}

const MAX_PROBLEMS = 50;

export function reconcile(input: ReconcileInput): RunReport {
  const problems: string[] = [];
  const note = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const jobs = { planned: input.file?.jobs ?? input.jobs.length, done: 0, rejected: 0, failed: 0, pending: 0 };
  const days = { requested: 0, fetched: 0, missing: 0, published: 0, synthetic: 0, aggregated: 0, deadLettered: 0, notFetched: 0, unaccounted: 0 };

  for (const job of input.jobs) {
    jobs[job.status]++;
    const range = eachDay(job.start, job.end);
    days.requested += range.length;
    if (job.status !== 'done') {
      days.notFetched += range.length;
      continue;
    }
    days.fetched += job.fetchedDays;
    days.missing += job.missingDays;
    days.published += job.publishedEvents;
    days.synthetic += job.syntheticDays ?? 0;
    if (job.fetchedDays !== range.length) note(`job ${job.cityId} ${job.start}..${job.end}: fetched ${job.fetchedDays} of ${range.length} days`);
    if (job.publishedEvents !== job.fetchedDays) note(`job ${job.cityId} ${job.start}..${job.end}: published ${job.publishedEvents} of ${job.fetchedDays} fetched days`);
    for (const date of range) {
      const key = dayKey(job.cityId, date);
      if (input.aggregated.has(key)) days.aggregated++;
      else if (input.deadLettered.has(key)) days.deadLettered++;
      else {
        days.unaccounted++;
        note(`${job.cityId} ${date}: fetched but neither aggregated nor dead-lettered`);
      }
    }
  }
  jobs.pending = Math.max(0, jobs.planned - input.jobs.length);
  if (input.file && input.file.cityDaysRequested !== days.requested && jobs.pending === 0) {
    note(`the file asked for ${input.file.cityDaysRequested} city-days but its jobs cover ${days.requested}`);
  }
  const state = jobs.pending === 0 ? 'complete' : 'running';
  const balanced = state === 'complete' && problems.length === 0 &&
    days.requested === days.aggregated + days.deadLettered + days.notFetched;
  return {
    runId: input.runId,
    ...(input.file ? { file: input.file.file } : {}),
    state,
    balanced,
    cities: { accepted: input.file?.citiesAccepted ?? 0, rejected: input.file?.citiesRejected ?? 0, duplicateLines: input.file?.duplicateLines ?? 0 },
    jobs,
    cityDays: days,
    problems,
  };
}

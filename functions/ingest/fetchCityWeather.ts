// One fetch job → Open-Meteo → each response kept once in raw/ as received, then one CityDayEvent per day on Event
// Hubs. Blobs go first: raw/ is the batch source of truth, so a crash between the two leaves responses the replay
// counts, and the redelivered job fetches again and republishes (a second response is a new blob, never an overwrite;
// duplicates on the hub are harmless: aggregation keeps the newest fetchedAt per day).
import { createHash } from 'node:crypto';
import type { BlobStore } from '../adapters/blobs.ts';
import type { EventPublisher } from '../adapters/eventPublisher.ts';
import type { OpenMeteoClient } from '../adapters/openMeteoClient.ts';
import type { QueueSender } from '../adapters/queues.ts';
import { keepRawResponse } from '../adapters/rawResponses.ts';
import { RESOURCES } from '../config/settings.ts';
import { splitIntoWindows } from '../core/dates.ts';
import { SYNTHETIC_MODEL, type NormaliseStats } from '../core/weather/normaliseArchiveResponse.ts';
import { parseFetchJob } from '../core/weather/parseFetchJob.ts';
import { normaliseRawResponse, type RawResponseInfo } from '../core/weather/rawResponse.ts';
import type { CityDayEvent, FetchJob } from '../core/model.ts';
import { QuotaWaitError, RateLimitedError, ValidationError } from '../errors.ts';

export interface FetchLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface FetchDeps {
  client: Pick<OpenMeteoClient, 'fetchArchive'>;
  blobs: BlobStore;
  publisher: EventPublisher;
  queue: QueueSender;
  now(): Date;
  /** Longest range asked of the API in one request (FETCH_WINDOW_DAYS). */
  fetchWindowDays: number;
  /** 429 re-schedules before a job is failed instead (and so reaches the poison queue). */
  maxDeferrals?: number;
  /** Parallel raw-blob writes (one per response: a job longer than fetchWindowDays has several). */
  writeConcurrency?: number;
  /** The app's fixed names unless a test gives its own. */
  resources?: { rawContainer: string; deadletterContainer: string; fetchJobsQueue: string };
}

export type FetchOutcome =
  | ({ outcome: 'done'; events: number; batches: number; weight: number; calls: number } & NormaliseStats)
  /** `quota`: the app's own shared quota made it wait, which does not count as a deferral. */
  | { outcome: 'deferred'; retryAfterSeconds: number; deferrals: number; quota?: boolean }
  | { outcome: 'rejected'; reason: string; deadletter: string };

export const DEFAULT_MAX_DEFERRALS = 20;

async function forEachBounded<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

/** A job that can never succeed (bad message, or the API refused it with 400) is kept with its reason. */
async function deadletter(deps: FetchDeps, message: unknown, error: ValidationError, container: string): Promise<string> {
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  const at = deps.now();
  // Named by content, so a redelivered copy overwrites its own record instead of adding one.
  const name = `fetch-jobs/${at.toISOString().slice(0, 10)}/${createHash('sha256').update(text ?? '').digest('hex').slice(0, 32)}.json`;
  await deps.blobs.putJson(container, name, { reason: error.message, field: error.field, message, at: at.toISOString() });
  return name;
}

interface Fetched {
  events: CityDayEvent[];
  responses: { info: RawResponseInfo; body: Uint8Array }[];
  stats: NormaliseStats;
  weight: number;
  calls: number;
}

/**
 * Every window of the job, asked and normalised. Its own function so that each parsed response (~0.4 MB of JS
 * objects for 242 days) is garbage once normalised: a suspended async function keeps its locals, and the job's frame
 * waits on the raw writes and the publish long enough for them to be copied out of the young generation.
 */
async function fetchWindows(job: FetchJob, deps: FetchDeps): Promise<Fetched> {
  const fetched: Fetched = { events: [], responses: [], stats: { days: 0, missingDays: 0, nullHours: 0, invalidValues: 0, syntheticDays: 0 }, weight: 0, calls: 0 };
  for (const window of splitIntoWindows(job.start, job.end, deps.fetchWindowDays)) {
    const result = await deps.client.fetchArchive({ lat: job.lat, lng: job.lng, ...window });
    fetched.weight += result.weight * result.attempts;
    fetched.calls += result.attempts;
    // `model`: the archive answers from the ERA5 family (ERA5/ERA5-Land) unless another model is asked for; a
    // stand-in's made-up response is kept as `synthetic`, never as a model the real archive would name.
    const model = result.response.synthetic ? SYNTHETIC_MODEL : 'era5';
    const info: RawResponseInfo = {
      cityId: job.cityId, city: job.city, lat: job.lat, lng: job.lng, ...window, fetchedAt: deps.now().toISOString(), runId: job.runId, model,
    };
    const normalised = normaliseRawResponse(result.response, info);
    fetched.responses.push({ info, body: result.body });
    fetched.events.push(...normalised.events);
    for (const key of Object.keys(fetched.stats) as (keyof NormaliseStats)[]) fetched.stats[key] += normalised.stats[key];
  }
  return fetched;
}

export async function fetchCityWeather(message: unknown, deps: FetchDeps, logger: FetchLogger): Promise<FetchOutcome> {
  const resources = deps.resources ?? RESOURCES;
  let job: FetchJob;
  try {
    job = parseFetchJob(message);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const name = await deadletter(deps, message, error, resources.deadletterContainer);
    logger.error(`fetchCityWeather: invalid fetch job (${error.message}); kept as ${resources.deadletterContainer}/${name}`);
    return { outcome: 'rejected', reason: error.message, deadletter: name };
  }
  const ids = `run=${job.runId} city=${job.cityId} ${job.start}..${job.end}`;

  let fetched: Fetched;
  try {
    fetched = await fetchWindows(job, deps);
  } catch (error) {
    if (error instanceof QuotaWaitError) {
      // Our own instances spent the window: waiting for it is not the API refusing us, so `deferrals` stays.
      const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      await deps.queue.send(resources.fetchJobsQueue, job, { delaySeconds: retryAfterSeconds });
      logger.log(`fetchCityWeather ${ids}: ${error.message}; re-scheduled in ${retryAfterSeconds} s (not a deferral)`);
      return { outcome: 'deferred', retryAfterSeconds, deferrals: job.deferrals ?? 0, quota: true };
    }
    if (error instanceof RateLimitedError) {
      const deferrals = (job.deferrals ?? 0) + 1;
      const maxDeferrals = deps.maxDeferrals ?? DEFAULT_MAX_DEFERRALS;
      if (deferrals > maxDeferrals) {
        throw new RateLimitedError(`${ids}: still rate limited after ${maxDeferrals} deferrals: ${error.message}`, error.retryAfterMs);
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      await deps.queue.send(resources.fetchJobsQueue, { ...job, deferrals }, { delaySeconds: retryAfterSeconds });
      logger.warn(`fetchCityWeather ${ids}: ${error.message}; re-scheduled in ${retryAfterSeconds} s (deferral ${deferrals}/${maxDeferrals})`);
      return { outcome: 'deferred', retryAfterSeconds, deferrals };
    }
    if (error instanceof ValidationError) {
      const name = await deadletter(deps, message, error, resources.deadletterContainer);
      logger.error(`fetchCityWeather ${ids}: ${error.message}; kept as ${resources.deadletterContainer}/${name}`);
      return { outcome: 'rejected', reason: error.message, deadletter: name };
    }
    throw error;
  }

  // Written only once every window has answered, so a deferred or failed job leaves no partial set behind.
  const { events, responses, stats, weight, calls } = fetched;
  await forEachBounded(responses, deps.writeConcurrency ?? 16, async ({ info, body }) => {
    await keepRawResponse(deps.blobs, resources.rawContainer, info, body);
  });
  const published = await deps.publisher.publish(events);
  const summary = `responses=${responses.length} days=${stats.days} missingDays=${stats.missingDays} nullHours=${stats.nullHours} invalidValues=${stats.invalidValues} events=${published.events} batches=${published.batches} weight=${weight.toFixed(2)} calls=${calls}`;
  (stats.missingDays || stats.invalidValues ? logger.warn : logger.log).call(logger, `fetchCityWeather ${ids}: ${summary}`);
  return { outcome: 'done', ...stats, events: published.events, batches: published.batches, weight, calls };
}

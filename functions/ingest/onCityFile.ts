// A new city file → fetch jobs on `fetch-jobs`, cities in the cities table, and a report of rejected lines.
// Streams the blob and sends jobs in bounded chunks, so memory stays flat however long the file is.
import { createHash } from 'node:crypto';
import type { BlobStore } from '../adapters/blobs.ts';
import type { CityRegistry } from '../adapters/cityRegistry.ts';
import type { QueueSender } from '../adapters/queues.ts';
import type { RunLedger } from '../adapters/runLedger.ts';
import type { Config } from '../config/loadConfig.ts';
import { RESOURCES } from '../config/settings.ts';
import { daysBetween } from '../core/dates.ts';
import { parseBlobCreatedEvents } from '../core/city/parseBlobCreatedEvent.ts';
import type { RejectedLine } from '../core/city/parseCityLine.ts';
import { readCityFile } from '../core/city/readCityFile.ts';
import type { City, FetchJob } from '../core/model.ts';
import { planFetchJobs, rangeFromMetadata } from './planFetchJobs.ts';

export interface Logger {
  log(message: string): void;
  warn(message: string): void;
}

export interface CityFileDeps {
  blobs: BlobStore;
  queue: QueueSender;
  registry: CityRegistry;
  /** The run ledger: what this file asked for, so the run can be reconciled when its jobs are done. */
  ledger: RunLedger;
  config: Pick<Config, 'fetchWindowDays' | 'defaultRange'>;
  now(): Date;
  /** The app's fixed names unless a test gives its own. */
  resources?: { citiesContainer: string; rejectedContainer: string; fetchJobsQueue: string };
  /** Parallel queue sends per chunk. */
  sendConcurrency?: number;
}

export interface CityFileSummary {
  runId: string;
  file: string;
  accepted: number;
  rejected: number;
  jobs: number;
}

export interface RejectionReport {
  file: string;
  etag: string;
  runId: string;
  accepted: number;
  rejectedCount: number;
  /** The first MAX_REPORTED_REJECTIONS rejections in line order; `truncated` says more were counted. */
  rejected: RejectedLine[];
  truncated?: true;
  at: string;
}

export const MAX_REPORTED_REJECTIONS = 10_000;
const JOB_CHUNK = 500;
const CITY_CHUNK = 100;

/** One run per blob version: a redelivered event for the same content maps to the same runId. */
export function cityFileRunId(blobName: string, etag: string): string {
  return `file-${createHash('sha256').update(`${blobName}\n${etag}`, 'utf8').digest('hex').slice(0, 24)}`;
}

export function reportBlobName(file: string): string {
  return `${file}.errors.json`;
}

/** Handles one queue message (one event or several); events that are not ours are logged and completed. */
export async function onCityFileMessage(message: unknown, deps: CityFileDeps, log: Logger): Promise<CityFileSummary[]> {
  const resources = deps.resources ?? RESOURCES;
  const summaries: CityFileSummary[] = [];
  for (const event of parseBlobCreatedEvents(message)) {
    if (!event.ok) {
      log.warn(`onCityFile: ignoring message: ${event.reason}`);
      continue;
    }
    if (event.container !== resources.citiesContainer) {
      log.warn(`onCityFile: ignoring blob ${event.blobName} in container ${event.container}, not ${resources.citiesContainer}`);
      continue;
    }
    const summary = await ingestCityFile(event.blobName, deps, log);
    if (summary) summaries.push(summary);
  }
  return summaries;
}

/** Reads `cities/<blobName>`, plans and sends its jobs, registers its cities and writes (or clears) its report. */
export async function ingestCityFile(blobName: string, deps: CityFileDeps, log: Logger): Promise<CityFileSummary | undefined> {
  const resources = deps.resources ?? RESOURCES;
  const blob = await deps.blobs.openRead(resources.citiesContainer, blobName);
  if (!blob) {
    log.warn(`onCityFile: ${resources.citiesContainer}/${blobName} no longer exists; nothing to do`);
    return undefined;
  }
  const runId = cityFileRunId(blobName, blob.etag);
  const now = deps.now();
  const rejected: RejectedLine[] = [];
  let rejectedCount = 0;
  let accepted = 0;
  let jobCount = 0;
  let cityDaysRequested = 0;
  const reject = (line: RejectedLine) => {
    rejectedCount += 1;
    if (rejected.length < MAX_REPORTED_REJECTIONS) rejected.push({ line: line.line, reason: line.reason });
  };

  let jobs: FetchJob[] = [];
  let cities: City[] = [];
  const flush = async (force: boolean) => {
    if (cities.length >= CITY_CHUNK || (force && cities.length > 0)) {
      await deps.registry.upsert(cities, now);
      cities = [];
    }
    if (jobs.length >= JOB_CHUNK || (force && jobs.length > 0)) {
      await deps.queue.sendMany(resources.fetchJobsQueue, jobs, { concurrency: deps.sendConcurrency ?? 32 });
      jobs = [];
    }
  };

  const fileRange = rangeFromMetadata(blob.metadata);
  if (!fileRange.ok) {
    // A bad file-level range would silently change every line's range; refuse the file and say why.
    (blob.stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    reject({ line: 0, reason: fileRange.reason });
  } else {
    for await (const result of readCityFile(blob.stream)) {
      if (!result.ok) {
        reject(result);
        continue;
      }
      const plan = planFetchJobs({
        city: result,
        fileRange: fileRange.range,
        defaultRange: deps.config.defaultRange,
        windowDays: deps.config.fetchWindowDays,
        now,
        runId,
      });
      if (!plan.ok) {
        reject({ line: result.line, reason: plan.reason });
        continue;
      }
      if (plan.clippedFrom) log.log(`onCityFile ${runId}: line ${result.line} (${result.cityId}) end ${plan.clippedFrom} clipped to ${plan.range.end}`);
      accepted += 1;
      jobCount += plan.jobs.length;
      for (const job of plan.jobs) cityDaysRequested += daysBetween(job.start, job.end) + 1;
      cities.push({ cityId: result.cityId, city: result.city, lat: result.lat, lng: result.lng });
      jobs.push(...plan.jobs);
      await flush(false);
    }
    await flush(true);
  }

  const reportName = reportBlobName(blobName);
  if (rejectedCount > 0) {
    const report: RejectionReport = {
      file: blobName,
      etag: blob.etag,
      runId,
      accepted,
      rejectedCount,
      rejected,
      ...(rejectedCount > rejected.length ? { truncated: true as const } : {}),
      at: now.toISOString(),
    };
    await deps.blobs.putJson(resources.rejectedContainer, reportName, report);
  } else if (await deps.blobs.deleteIfExists(resources.rejectedContainer, reportName)) {
    log.log(`onCityFile ${runId}: removed the stale report ${resources.rejectedContainer}/${reportName}`);
  }

  const summary: CityFileSummary = { runId, file: blobName, accepted, rejected: rejectedCount, jobs: jobCount };
  await deps.ledger.recordFile(runId, { file: blobName, citiesAccepted: accepted, citiesRejected: rejectedCount, jobs: jobCount, cityDaysRequested }, now);
  log.log(`onCityFile ${runId}: ${JSON.stringify(summary)}`);
  return summary;
}

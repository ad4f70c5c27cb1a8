// A new city file → fetch jobs on `fetch-jobs`, cities in the cities table, and a report of rejected lines.
// Streams the blob and sends jobs in bounded chunks, so memory stays flat however long the file is.
import { createHash } from 'node:crypto';
import type { BlobStore } from '../adapters/blobs.ts';
import type { CityRegistry } from '../adapters/cityRegistry.ts';
import type { QueueSender } from '../adapters/queues.ts';
import type { RunLedger } from '../adapters/runLedger.ts';
import type { Config } from '../config/loadConfig.ts';
import { RESOURCES } from '../config/settings.ts';
import { parseBlobCreatedEvents } from '../core/city/parseBlobCreatedEvent.ts';
import { createCityRanges, type CityPlan, type LineNotice } from '../core/city/cityRanges.ts';
import type { RejectedLine } from '../core/city/parseCityLine.ts';
import { readCityFile } from '../core/city/readCityFile.ts';
import type { City, FetchJob } from '../core/model.ts';
import { fetchJobsFor, planRange, rangeFromMetadata } from './planFetchJobs.ts';

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
  /** Distinct cities. */
  accepted: number;
  rejected: number;
  /** Lines naming a city already named on an earlier line: merged into it, with a notice each. */
  duplicates: number;
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
  /** Lines that are not errors but worth knowing about (a city repeated), as many as rejections are kept. */
  noticeCount: number;
  notices: LineNotice[];
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
  log.log(`onCityFile: picked up ${resources.citiesContainer}/${blobName} as run ${runId}`);
  const now = deps.now();
  const rejected: RejectedLine[] = [];
  const notices: LineNotice[] = [];
  let rejectedCount = 0;
  let noticeCount = 0;
  const reject = (line: RejectedLine) => {
    rejectedCount += 1;
    if (rejected.length < MAX_REPORTED_REJECTIONS) rejected.push({ line: line.line, reason: line.reason });
  };
  // Every accepted line is collected by city before any job is sent: a city repeated further down the file
  // merges into the first one, so each city-day is asked for once (one entry per distinct city, as the
  // coordinates check already holds).
  const cityRanges = createCityRanges();

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
      const plan = planRange({ city: result, fileRange: fileRange.range, defaultRange: deps.config.defaultRange, now });
      if (!plan.ok) {
        reject({ line: result.line, reason: plan.reason });
        continue;
      }
      if (plan.clippedFrom) log.log(`onCityFile ${runId}: line ${result.line} (${result.cityId}) end ${plan.clippedFrom} clipped to ${plan.range.end}`);
      const notice = cityRanges.add(result, plan.range, result.line);
      if (notice) {
        noticeCount += 1;
        if (notices.length < MAX_REPORTED_REJECTIONS) notices.push({ line: result.line, notice });
      }
    }
  }
  const jobCount = await sendPlans(cityRanges.plans(), runId, deps, resources.fetchJobsQueue, now);

  const reportName = reportBlobName(blobName);
  if (rejectedCount > 0 || noticeCount > 0) {
    const report: RejectionReport = {
      file: blobName,
      etag: blob.etag,
      runId,
      accepted: cityRanges.size,
      rejectedCount,
      rejected,
      noticeCount,
      notices,
      ...(rejectedCount > rejected.length || noticeCount > notices.length ? { truncated: true as const } : {}),
      at: now.toISOString(),
    };
    await deps.blobs.putJson(resources.rejectedContainer, reportName, report);
  } else if (await deps.blobs.deleteIfExists(resources.rejectedContainer, reportName)) {
    log.log(`onCityFile ${runId}: removed the stale report ${resources.rejectedContainer}/${reportName}`);
  }

  const summary: CityFileSummary = { runId, file: blobName, accepted: cityRanges.size, rejected: rejectedCount, duplicates: noticeCount, jobs: jobCount };
  await deps.ledger.recordFile(
    runId,
    { file: blobName, citiesAccepted: cityRanges.size, citiesRejected: rejectedCount, duplicateLines: noticeCount, jobs: jobCount, cityDaysRequested: cityRanges.days },
    now,
  );
  const at = (blob.lastModified ?? now).toISOString();
  await deps.ledger.indexRun({
    runId, kind: 'file', at, file: blobName, citiesAccepted: cityRanges.size, citiesRejected: rejectedCount, duplicateLines: noticeCount,
    jobs: jobCount, cityDaysRequested: cityRanges.days,
  });
  log.log(`onCityFile ${runId}: ${JSON.stringify(summary)}`);
  return summary;
}

/** Registers the cities and sends their jobs in bounded chunks; returns the number of jobs sent. */
async function sendPlans(plans: Iterable<CityPlan>, runId: string, deps: CityFileDeps, queueName: string, now: Date): Promise<number> {
  let jobs: FetchJob[] = [];
  let cities: City[] = [];
  let sent = 0;
  const flush = async (force: boolean) => {
    if (cities.length >= CITY_CHUNK || (force && cities.length > 0)) {
      await deps.registry.upsert(cities, now);
      cities = [];
    }
    if (jobs.length >= JOB_CHUNK || (force && jobs.length > 0)) {
      await deps.queue.sendMany(queueName, jobs, { concurrency: deps.sendConcurrency ?? 32 });
      sent += jobs.length;
      jobs = [];
    }
  };
  for (const plan of plans) {
    cities.push(plan.city);
    jobs.push(...fetchJobsFor(plan.city, plan.ranges, deps.config.fetchWindowDays, runId));
    await flush(false);
  }
  await flush(true);
  return sent;
}

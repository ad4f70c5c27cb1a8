// Writes a fetch job's outcome to the run ledger: done (with its counts), rejected (never fetchable), or failed
// (its last attempt before the poison queue). Deferred jobs write nothing: they will come back.
import type { RunLedger } from '../adapters/runLedger.ts';
import { parseFetchJob } from '../core/weather/parseFetchJob.ts';
import type { FetchJob } from '../core/model.ts';
import type { FetchOutcome } from '../ingest/fetchCityWeather.ts';

function jobOf(message: unknown): FetchJob | undefined {
  try {
    return parseFetchJob(message);
  } catch {
    // An unparseable job has no run to charge; fetchCityWeather dead-lettered it with the reason.
    return undefined;
  }
}

export async function recordFetchOutcome(ledger: RunLedger, message: unknown, outcome: FetchOutcome, at: Date): Promise<void> {
  if (outcome.outcome === 'deferred') return;
  const job = jobOf(message);
  if (!job) return;
  const key = { cityId: job.cityId, start: job.start, end: job.end };
  if (outcome.outcome === 'done') {
    await ledger.recordJob(
      job.runId,
      { ...key, status: 'done', fetchedDays: outcome.days, missingDays: outcome.missingDays, publishedEvents: outcome.events, ...(outcome.syntheticDays > 0 ? { syntheticDays: outcome.syntheticDays } : {}) },
      at,
    );
  } else {
    await ledger.recordJob(job.runId, { ...key, status: 'rejected', fetchedDays: 0, missingDays: 0, publishedEvents: 0, reason: outcome.reason }, at);
  }
}

export async function recordFetchFailure(ledger: RunLedger, message: unknown, error: Error, at: Date): Promise<void> {
  const job = jobOf(message);
  if (!job) return;
  await ledger.recordJob(
    job.runId,
    { cityId: job.cityId, start: job.start, end: job.end, status: 'failed', fetchedDays: 0, missingDays: 0, publishedEvents: 0, reason: error.message.slice(0, 1000) },
    at,
  );
}

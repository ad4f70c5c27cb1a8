// Reads the run's counters for the progress line: jobs from the fetch-jobs queue and the host, API calls from the
// stand-in (or fetch invocations against a real API), events from the Event Hubs trigger.
import { RESOURCES } from '../../functions/config/settings.ts';
import type { LocalHost } from '../host/createLocalHost.ts';
import type { RunningStandIn } from '../openmeteo/standIn.ts';
import type { ProgressSample } from './progress.ts';

/**
 * Samples with a memory: the queue's message count is approximate and misses messages being processed, so the
 * known-jobs total never goes down between samples (a shrinking denominator reads as lost work).
 */
export function createProgressSampler(host: LocalHost, standIn: RunningStandIn | undefined): () => Promise<ProgressSample> {
  let jobsKnown = 0;
  return async () => {
    const sample = await sampleProgress(host, standIn);
    jobsKnown = Math.max(jobsKnown, sample.jobsKnown);
    return { ...sample, jobsKnown };
  };
}

export async function sampleProgress(host: LocalHost, standIn: RunningStandIn | undefined): Promise<ProgressSample> {
  const stats = host.stats();
  const fetch = Object.entries(stats.queues).find(([, q]) => q.queueName === RESOURCES.fetchJobsQueue)?.[1];
  const queued = (await host.app.clients.queueService().getQueueClient(RESOURCES.fetchJobsQueue).getProperties()).approximateMessagesCount ?? 0;
  const jobsDone = (fetch?.completed ?? 0) + (fetch?.poisoned ?? 0);
  const fetchFunction = Object.entries(stats.queues).find(([, q]) => q.queueName === RESOURCES.fetchJobsQueue)?.[0];
  const apiCalls = standIn ? standIn.stats().calls : fetchFunction ? (stats.functions[fetchFunction]?.started ?? 0) : 0;
  const events = Object.values(stats.eventHubs).reduce((sum, h) => sum + h.events, 0);
  return { jobsDone, jobsKnown: jobsDone + queued, apiCalls, eventsAggregated: events, eventsPending: stats.lastProbe?.eventsPending ?? 0 };
}

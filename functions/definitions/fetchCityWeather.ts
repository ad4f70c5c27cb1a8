// Queue trigger on `fetch-jobs`: one city and date window per message → raw blobs and Event Hubs events.
// The Open-Meteo client (its socket pool and its gate) is built once per process and shared by every invocation;
// the gate spends slices of the app-wide quota in Table `quota` (or, with WEATHER_API_QUOTA=instance, a limiter of
// this process alone).
import { createBlobStore } from '../adapters/blobs.ts';
import { createEventPublisher } from '../adapters/eventPublisher.ts';
import { createOpenMeteoClient } from '../adapters/openMeteoClient.ts';
import { createQueueSender } from '../adapters/queues.ts';
import { createQuotaTable, quotaPartition } from '../adapters/quotaTable.ts';
import { createRunLedger } from '../adapters/runLedger.ts';
import type { QueueFunction } from '../app/definition.ts';
import { QUEUE_MAX_DEQUEUE_COUNT, RESOURCES, STORAGE_CONNECTION } from '../config/settings.ts';
import { realClock } from '../core/weather/limiterGate.ts';
import { limitWindows } from '../core/weather/rateLimiter.ts';
import { createSharedQuotaGate } from '../core/weather/sharedQuotaGate.ts';
import { ensureErrorType } from '../errors.ts';
import { fetchCityWeather as fetchJob } from '../ingest/fetchCityWeather.ts';
import { recordFetchFailure, recordFetchOutcome } from '../ledger/recordFetchOutcome.ts';

export const fetchCityWeather: QueueFunction = {
  name: 'fetchCityWeather',
  trigger: { type: 'storageQueue', queueName: RESOURCES.fetchJobsQueue, connection: STORAGE_CONNECTION },
  handler: (app) => {
    const { weather } = app.config;
    const limits = limitWindows(weather.limits);
    const gate = weather.quota.scope === 'shared'
      ? createSharedQuotaGate({
          windows: limits,
          store: createQuotaTable(app.clients.table(RESOURCES.quotaTable), quotaPartition(weather.url, weather.apiKey)),
          instances: weather.quota.instances,
          clock: realClock,
        })
      : undefined;
    const deps = {
      client: createOpenMeteoClient({ url: weather.url, apiKey: weather.apiKey, timeoutMs: weather.timeoutMs, limits, ...(gate ? { gate } : {}) }),
      blobs: createBlobStore(app.clients.blobService()),
      publisher: createEventPublisher(app.clients.eventHubProducer()),
      queue: createQueueSender(app.clients.queueService()),
      now: app.now,
      fetchWindowDays: app.config.fetchWindowDays,
    };
    const ledger = createRunLedger(app.clients.table(RESOURCES.runsTable));
    return async (message, context) => {
      const storeErrors = gate?.stats().storeErrors ?? 0;
      try {
        await recordFetchOutcome(ledger, message, await fetchJob(message, deps, context), app.now());
      } catch (thrown) {
        const error = ensureErrorType(thrown);
        // The last attempt before the poison queue: the ledger keeps the reason, so the run does not balance silently.
        if (Number(context.triggerMetadata?.dequeueCount ?? 1) >= QUEUE_MAX_DEQUEUE_COUNT) {
          await recordFetchFailure(ledger, message, error, app.now());
        }
        throw error;
      } finally {
        const stats = gate?.stats();
        if (stats && stats.storeErrors > storeErrors) {
          context.warn(`fetchCityWeather: the quota table could not be reached (${stats.lastStoreError}); spending at most 1/${weather.quota.instances} of each window meanwhile`);
        }
      }
    };
  },
};

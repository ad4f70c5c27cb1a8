// The fetch stage against the free tier: the stand-in answers after 100 ms and enforces 600 weighted calls per
// minute (answering 429 past it, as the real API does); the app's limiter has the free-tier settings
// (600/min, 5,000/h, 10,000/day). Jobs are 1-day fetch jobs (weight 1, one raw blob and one event each) driven
// through the local host's queue trigger with only fetchCityWeather, so neither blob writes nor event publishing
// can be what paces it. Reports the weight served in one full minute after a warm-up, as a fraction of 600.
import { RESOURCES, EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import { createQueueSender } from '../../functions/adapters/queues.ts';
import { fetchCityWeather } from '../../functions/definitions/fetchCityWeather.ts';
import type { FetchJob } from '../../functions/core/model.ts';
import { startAzurite } from '../../local/azurite.ts';
import { createLocalHost } from '../../local/host/createLocalHost.ts';
import { startOpenMeteoStandIn, type StandInStats } from '../../local/openmeteo/standIn.ts';
import { startEmulatorChild } from '../lib/localStack.ts';
import { withRatio, type Bench } from '../lib/types.ts';

const PER_MINUTE = 600;
const LATENCY_MS = 100;
const WARMUP_MS = 20_000;
const WINDOW_MS = 60_000;
/** Two full minutes of quota and a little of a third, so the limiter, not a lack of work, binds in the window. */
const JOBS = 2 * PER_MINUTE + 120;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function jobs(count: number): FetchJob[] {
  const start = Date.parse('2022-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(start + Math.floor(i / 100) * 86_400_000).toISOString().slice(0, 10);
    const city = i % 100;
    return { v: 1, runId: 'bench-fetch', cityId: `fetch-city-${city}`, city: `Fetch City ${city}`, lat: 30 + city / 10, lng: -100 + city / 5, start: date, end: date };
  });
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

export const fetchBench: Bench = {
  name: 'fetch',
  description: `fetch stage at ${LATENCY_MS} ms API latency under the free-tier limits: weighted calls served per minute vs ${PER_MINUTE}`,
  async run() {
    const [azurite, hub, standIn] = await Promise.all([
      startAzurite(),
      startEmulatorChild(),
      startOpenMeteoStandIn({ latencyMs: LATENCY_MS, limitPerWindow: PER_MINUTE, limitWindowMs: 60_000 }),
    ]);
    const host = createLocalHost({
      definitions: [fetchCityWeather],
      settings: {
        [STORAGE_CONNECTION]: azurite.connectionString,
        [EVENTHUB_CONNECTION]: hub.connectionString,
        [SETTINGS.weatherApiUrl]: standIn.url,
        [SETTINGS.weatherCallsPerMinute]: String(PER_MINUTE),
        [SETTINGS.weatherCallsPerHour]: '5000',
        [SETTINGS.weatherCallsPerDay]: '10000',
      },
      httpPort: 0,
      watch: false,
      log: (level, line) => {
        if (level === 'error' || level === 'critical') console.error(`  ${line}`);
      },
    });
    const progress = setInterval(() => {
      const s = standIn.stats();
      console.error(`  fetch: ${s.calls} calls, weight ${Math.round(s.weight)}, ${s.rateLimited} answered 429`);
    }, 10_000);
    try {
      const queue = host.app.clients.queueService().getQueueClient(RESOURCES.fetchJobsQueue);
      await queue.createIfNotExists();
      await createQueueSender(host.app.clients.queueService()).sendMany(RESOURCES.fetchJobsQueue, jobs(JOBS), { concurrency: 16 });
      await host.start();
      await until(() => standIn.stats().calls > 0, 60_000, 'the first API call');
      const first = standIn.stats().log[0]!.at;
      const from = first + WARMUP_MS;
      const to = from + WINDOW_MS;
      await sleep(to - Date.now());
      await until(() => standIn.stats().served >= JOBS, 3 * WINDOW_MS, 'every job to be fetched');
      await host.waitForIdle({ timeoutMs: 60_000 });
      const stats: StandInStats = standIn.stats();
      const inWindow = stats.log.filter((entry) => entry.at >= from && entry.at < to);
      const served = inWindow.filter((entry) => entry.status === 200).reduce((sum, entry) => sum + entry.weight, 0);
      // How the per-process limiter spends a minute: the time from the first call to the minute's last.
      const quotaSpentMs = (stats.log[PER_MINUTE - 1]?.at ?? Number.NaN) - first;
      return [
        withRatio({
          metric: 'weighted calls served per minute', value: served, unit: 'calls/min', baseline: PER_MINUTE, better: 'higher',
          target: { op: '>=', value: 0.9 },
          note: `minute from ${WARMUP_MS / 1000} s after the first call; ${JOBS} one-day jobs; baseline: the free tier's 600/min`,
        }),
        { metric: 'API calls answered 429', value: stats.rateLimited, unit: 'calls', target: { op: '<=', value: 0 }, note: `of ${stats.calls} calls in the whole stage` },
        { metric: "time to spend a minute's quota", value: quotaSpentMs / 1000, unit: 's', note: 'the limiter admits a full window as fast as the app can call, then waits' },
      ];
    } finally {
      clearInterval(progress);
      await host.stop().catch(() => undefined);
      await Promise.all([azurite.close(), hub.close(), standIn.close()]);
    }
  },
};

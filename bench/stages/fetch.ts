// The fetch stage against the free tier: the stand-in answers after 100 ms and enforces 600/min, 5,000/h and
// 10,000/day weighted calls in fixed UTC windows (answering the real 429 past them); the app has the same
// settings and its shared quota in Table `quota`. `--instances N` (default 1) runs N host processes with only
// fetchCityWeather, as N Functions instances would; `--quota instance` gives each its own limiter instead (the
// behaviour before the shared quota), to show what the app as a whole then sends. Jobs are 1-day fetch jobs
// (weight 1, one raw blob and one event each), so neither blob writes nor publishing pace it. Reports the weight
// served in the first full UTC minute at least 20 s after the first call, as a fraction of 600.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { createQueueSender } from '../../functions/adapters/queues.ts';
import { quotaPartition } from '../../functions/adapters/quotaTable.ts';
import { RESOURCES, EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import type { FetchJob } from '../../functions/core/model.ts';
import { windowRowKey } from '../../functions/core/weather/quotaWindows.ts';
import { startAzurite } from '../../local/azurite.ts';
import { startHostProcess, type HostProcess } from '../../local/hostProcess.ts';
import { startOpenMeteoStandIn, type StandInStats } from '../../local/openmeteo/standIn.ts';
import { startEmulatorChild } from '../lib/localStack.ts';
import { withRatio, type Bench, type BenchOptions } from '../lib/types.ts';

const PER_MINUTE = 600;
const LATENCY_MS = 100;
const WARMUP_MS = 20_000;
const MINUTE_MS = 60_000;
/** A partial first minute, the warm-up's minute and the measured one, with room to spare: the quota binds throughout. */
const JOBS = 3 * PER_MINUTE + 120;

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

function option(options: BenchOptions, name: string, allowed: RegExp, fallback: string): string {
  const value = options[name] ?? fallback;
  if (!allowed.test(value)) throw new Error(`--${name} must match ${allowed}, got "${value}"`);
  return value;
}

export const fetchBench: Bench = {
  name: 'fetch',
  description: `fetch stage at ${LATENCY_MS} ms API latency under the free tier, N host processes (--instances N): weighted calls served per minute vs ${PER_MINUTE}`,
  async run(options = {}) {
    const instances = Number(option(options, 'instances', /^([1-9]|1\d|20)$/, '1'));
    const quota = option(options, 'quota', /^(shared|instance)$/, 'shared');
    const started = await Promise.allSettled([
      startAzurite(),
      startEmulatorChild(),
      startOpenMeteoStandIn({ latencyMs: LATENCY_MS, limits: { perMinute: PER_MINUTE, perHour: 5_000, perDay: 10_000 } }),
    ] as const);
    const [azurite, hub, standIn] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [
      Awaited<ReturnType<typeof startAzurite>> | undefined,
      Awaited<ReturnType<typeof startEmulatorChild>> | undefined,
      Awaited<ReturnType<typeof startOpenMeteoStandIn>> | undefined,
    ];
    if (!azurite || !hub || !standIn) {
      // What did start must not outlive the failure (an emulator child left running as an orphan).
      await Promise.all([azurite?.close(), hub?.close(), standIn?.close()]);
      throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    }
    const settings = {
      [STORAGE_CONNECTION]: azurite.connectionString,
      [EVENTHUB_CONNECTION]: hub.connectionString,
      [SETTINGS.weatherApiUrl]: standIn.url,
      [SETTINGS.weatherCallsPerMinute]: String(PER_MINUTE),
      [SETTINGS.weatherCallsPerHour]: '5000',
      [SETTINGS.weatherCallsPerDay]: '10000',
      [SETTINGS.weatherQuota]: quota,
    };
    const hosts: HostProcess[] = [];
    const progress = setInterval(() => {
      const s = standIn.stats();
      console.error(`  fetch: ${s.calls} calls, weight ${Math.round(s.weight)}, ${s.rateLimited} answered 429`);
    }, 10_000);
    try {
      hosts.push(...(await Promise.all(Array.from({ length: instances }, () => startHostProcess({ settings, functions: ['fetchCityWeather'] })))));
      const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
      await createQueueSender(queues).sendMany(RESOURCES.fetchJobsQueue, jobs(JOBS), { concurrency: 16 });
      await until(() => standIn.stats().calls > 0, 60_000, 'the first API call');
      const first = standIn.stats().log[0]!.at;
      // Open-Meteo counts fixed UTC minutes, and so does the stand-in: measure one of them whole.
      const from = Math.ceil((first + WARMUP_MS) / MINUTE_MS) * MINUTE_MS;
      const to = from + MINUTE_MS;
      await sleep(to + 2_000 - Date.now());
      const stats: StandInStats = standIn.stats();
      const inMinute = stats.log.filter((entry) => entry.at >= from && entry.at < to);
      const served = inMinute.filter((entry) => entry.status === 200).reduce((sum, entry) => sum + entry.weight, 0);
      const spentAfter = inMinute.filter((entry) => entry.status === 200).map((entry) => entry.at - from);
      const claims = quota === 'shared' ? await minuteClaims(azurite.connectionString, standIn.url, from) : undefined;
      return [
        withRatio({
          metric: `weighted calls served in a minute, ${instances} instance(s)`, value: served, unit: 'calls/min', baseline: PER_MINUTE, better: 'higher',
          target: { op: '>=', value: 0.9 },
          note: `the first full UTC minute ≥ ${WARMUP_MS / 1000} s after the first call; ${JOBS} one-day jobs; ${quota} quota; baseline: the free tier's 600/min`,
        }),
        { metric: 'API calls answered 429', value: stats.rateLimited, unit: 'calls', target: { op: '<=', value: 0 }, note: `of ${stats.calls} calls in the whole stage` },
        { metric: "time to spend a minute's quota", value: (spentAfter[spentAfter.length - 1] ?? Number.NaN) / 1000, unit: 's', note: 'from the minute\'s start to its last served call' },
        ...(claims === undefined ? [] : [{ metric: 'quota table claims in that minute', value: claims, unit: 'claims', note: `${(inMinute.length / Math.max(1, claims)).toFixed(1)} API calls per claim (a claim: one read and one conditional write of up to three entities)` }]),
      ];
    } finally {
      clearInterval(progress);
      await Promise.all(hosts.map((host) => host.kill()));
      await Promise.all([azurite.close(), hub.close(), standIn.close()]);
    }
  },
};

async function minuteClaims(connectionString: string, apiUrl: string, from: number): Promise<number> {
  const table = TableClient.fromConnectionString(connectionString, RESOURCES.quotaTable, { allowInsecureConnection: true });
  const entity = await table.getEntity<{ claims: number }>(quotaPartition(apiUrl, undefined), windowRowKey({ name: 'minute', windowMs: MINUTE_MS, limit: PER_MINUTE }, from));
  return entity.claims;
}

// Three instances of fetchCityWeather, each its own host process, against the stand-in enforcing a scaled-down
// free tier (120 a minute): the shared quota in Table `quota` keeps the app as a whole inside it (no 429) while
// spending at least 90 % of a full minute, with far fewer table claims than API calls.
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueueSender } from '../../functions/adapters/queues.ts';
import { quotaPartition } from '../../functions/adapters/quotaTable.ts';
import { RESOURCES, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import type { FetchJob } from '../../functions/core/model.ts';
import { windowRowKey } from '../../functions/core/weather/quotaWindows.ts';
import { startHostProcess, type HostProcess } from '../../local/hostProcess.ts';
import { waitUntil } from '../waitUntil.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

const PER_MINUTE = 120;
const INSTANCES = 3;
const MINUTE = { name: 'minute', windowMs: 60_000, limit: PER_MINUTE };

let world: FaultWorld | undefined;
const hosts: HostProcess[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill()));
  await world?.close();
  world = undefined;
});

/** One-day jobs (weight 1 each), one per city, so the quota and nothing else paces them. */
function jobs(count: number): FetchJob[] {
  return Array.from({ length: count }, (_, i) => ({
    v: 1, runId: 'shared-quota', cityId: `quota-city-${i}`, city: `Quota City ${i}`, lat: 20 + (i % 50), lng: -120 + Math.floor(i / 50), start: '2023-03-01', end: '2023-03-01',
  }));
}

describe('the shared API quota', () => {
  it('holds the free tier for three host processes together: no 429, and ≥ 90 % of a full minute served', async () => {
    world = await startFaultWorld({ latencyMs: 50, limits: { perMinute: PER_MINUTE, perHour: 5_000, perDay: 10_000 } }, {
      [SETTINGS.weatherCallsPerMinute]: String(PER_MINUTE),
      [SETTINGS.weatherCallsPerHour]: '5000',
      [SETTINGS.weatherCallsPerDay]: '10000',
      [SETTINGS.weatherQuotaInstances]: String(INSTANCES),
    });
    const running = world;
    hosts.push(...(await Promise.all(Array.from({ length: INSTANCES }, () => startHostProcess({ settings: running.settings, functions: ['fetchCityWeather'] })))));
    // Enough work for the first, partial minute, one full minute and more, so the quota binds throughout.
    const queues = QueueServiceClient.fromConnectionString(running.settings[STORAGE_CONNECTION]!);
    await createQueueSender(queues).sendMany(RESOURCES.fetchJobsQueue, jobs(3 * PER_MINUTE), { concurrency: 16 });

    await waitUntil(() => running.standIn.stats().calls > 0, 60_000, 'the first API call');
    const first = running.standIn.stats().log[0]!.at;
    const full = (Math.floor(first / 60_000) + 1) * 60_000;
    await waitUntil(() => Date.now() > full + 62_000, 140_000, 'the first full minute to end');

    const stats = running.standIn.stats();
    const inMinute = stats.log.filter((entry) => entry.at >= full && entry.at < full + 60_000);
    const served = inMinute.filter((entry) => entry.status === 200).reduce((sum, entry) => sum + entry.weight, 0);
    expect(stats.rateLimited).toBe(0);
    expect(served).toBeLessThanOrEqual(PER_MINUTE);
    expect(served).toBeGreaterThanOrEqual(0.9 * PER_MINUTE);
    // Every instance took part, and they shared the minute through a handful of claims, not one per call.
    const table = TableClient.fromConnectionString(running.settings[STORAGE_CONNECTION]!, RESOURCES.quotaTable, { allowInsecureConnection: true });
    const entity = await table.getEntity<{ claimed: number; claims: number }>(quotaPartition(running.settings[SETTINGS.weatherApiUrl]!, undefined), windowRowKey(MINUTE, full));
    expect(entity.claimed).toBeLessThanOrEqual(PER_MINUTE);
    expect(entity.claims).toBeGreaterThanOrEqual(INSTANCES);
    expect(entity.claims).toBeLessThan(inMinute.length / 2);
  }, 300_000);
});

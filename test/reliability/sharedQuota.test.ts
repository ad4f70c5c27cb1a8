// Three instances of fetchCityWeather, each its own host process, against the stand-in enforcing a scaled-down
// free tier (120 a minute): the shared quota in Table `quota` keeps the app as a whole inside it (no 429) while
// spending at least 90 % of a full minute, with far fewer table claims than API calls.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createOpenMeteoClient } from '../../functions/adapters/openMeteoClient.ts';
import { createQueueSender } from '../../functions/adapters/queues.ts';
import { createQuotaTable, quotaPartition } from '../../functions/adapters/quotaTable.ts';
import { realClock } from '../../functions/core/weather/limiterGate.ts';
import { createSharedQuotaGate } from '../../functions/core/weather/sharedQuotaGate.ts';
import { RateLimitedError } from '../../functions/errors.ts';
import { startOpenMeteoStandIn, type RunningStandIn } from '../../local/openmeteo/standIn.ts';
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
let standIn: RunningStandIn | undefined;
const hosts: HostProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill()));
  await Promise.all(closers.splice(0).map((close) => close()));
  await world?.close();
  await standIn?.close();
  world = standIn = undefined;
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

  it('shrinks a window for every instance when a 429 says another app spent part of it', async () => {
    // Ten-second windows so the test waits seconds, not minutes; the stand-in names them "Minutely" as the API does.
    const windowMs = 10_000;
    const limit = 20;
    const windows = [{ name: 'minute', windowMs, limit }];
    const api = (standIn = await startOpenMeteoStandIn({ limitPerWindow: limit, limitWindowMs: windowMs, availableUntil: '2023-12-31' }));
    const tableName = `quota${randomBytes(4).toString('hex')}`;
    const storage = inject('azuriteConnectionString');
    await TableClient.fromConnectionString(storage, tableName, { allowInsecureConnection: true }).createTable();
    const instances = [0, 1].map(() => {
      const table = TableClient.fromConnectionString(storage, tableName, { allowInsecureConnection: true });
      const gate = createSharedQuotaGate({ windows, store: createQuotaTable(table, 'p'), instances: 2, clock: realClock, guardMs: 100 });
      const client = createOpenMeteoClient({ url: api.url, timeoutMs: 2_000, limits: windows, gate });
      closers.push(() => client.close());
      return client;
    });
    // Another app on the same IP spends 12 of the window's 20 at its start.
    const start = (Math.floor(Date.now() / windowMs) + 1) * windowMs;
    await new Promise((resolve) => setTimeout(resolve, start + 200 - Date.now()));
    for (let i = 0; i < 12; i++) expect((await fetch(`${api.url}?latitude=1&longitude=${i}&start_date=2023-01-01&end_date=2023-01-01&hourly=temperature_2m&timezone=UTC`)).status).toBe(200);
    const refused: number[] = [];
    await Promise.all(instances.map(async (client, i) => {
      for (let call = 0; call < 10; call++) {
        await client.fetchArchive({ lat: 10 + i, lng: call, start: '2023-01-01', end: '2023-01-01' }).catch((error: unknown) => {
          if (!(error instanceof RateLimitedError)) throw error;
          refused.push(Date.now());
        });
      }
    }));
    const log = api.stats().log;
    const inWindow = log.filter((entry) => entry.at >= start && entry.at < start + windowMs);
    const tooMany = inWindow.filter((entry) => entry.status === 429);
    // Without the shrink both instances would go on claiming the 20 they believe free and meet 12 refusals; with it
    // each meets at most the slice it already held.
    expect(tooMany.length).toBeGreaterThanOrEqual(1);
    expect(tooMany.length).toBeLessThanOrEqual(3);
    expect(inWindow.filter((entry) => entry.status === 200).length).toBe(limit);
    const entity = await TableClient.fromConnectionString(storage, tableName, { allowInsecureConnection: true }).getEntity<{ claimed: number; allowance: number }>('p', windowRowKey(windows[0]!, start));
    expect(entity.allowance).toBe(entity.claimed);
    // The calls refused were the only ones lost; the rest went out in the next window, none refused.
    const later = log.filter((entry) => entry.at >= start + windowMs);
    expect(later.length).toBe(20 - (inWindow.length - 12));
    expect(later.every((entry) => entry.status === 200)).toBe(true);
    expect(refused.length).toBe(tooMany.length);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureStorageResources } from '../../../functions/adapters/ensureResources.ts';
import { createClients } from '../../../functions/app/clients.ts';
import type { AppContext } from '../../../functions/app/definition.ts';
import { loadConfig } from '../../../functions/config/loadConfig.ts';
import { RESOURCES } from '../../../functions/config/settings.ts';
import type { CityDayEvent } from '../../../functions/core/model.ts';
import { definitions } from '../../../functions/definitions/index.ts';
import { fetchCityWeather } from '../../../functions/definitions/fetchCityWeather.ts';
import { startOpenMeteoStandIn, type RunningStandIn } from '../../../local/openmeteo/standIn.ts';
import { markHub, readSince } from '../ingest/fetchEventReader.ts';

const storage = inject('azuriteConnectionString');
const eventHubs = inject('eventHubsConnectionString');

describe('fetchCityWeather (definition)', () => {
  let standIn: RunningStandIn;
  let app: AppContext;
  beforeAll(async () => {
    standIn = await startOpenMeteoStandIn({ availableUntil: '2023-12-31' });
    const config = loadConfig({ STORAGE: storage, EVENTHUB: eventHubs, EVENTHUB_NAME: 'temperatures', WEATHER_API_URL: standIn.url, WEATHER_API_KEY: 'test-key' });
    app = { config, clients: createClients(config), now: () => new Date() };
    // All of them, the ledger's runs and the quota table too: run alone, no other test file has created them first.
    await ensureStorageResources(app.clients);
  });
  afterAll(async () => {
    await app?.clients.close();
    await standIn?.close();
  });

  it('is registered as a queue trigger on fetch-jobs over the STORAGE connection', () => {
    expect(definitions).toContain(fetchCityWeather);
    expect(fetchCityWeather.trigger).toEqual({ type: 'storageQueue', queueName: 'fetch-jobs', connection: 'STORAGE' });
  });

  it('builds a handler from the app settings that fetches, writes raw/ and publishes', async () => {
    const cityId = `definition-${randomUUID()}`;
    const runId = randomUUID();
    const mark = await markHub(eventHubs);
    const handler = fetchCityWeather.handler(app);
    const logs: string[] = [];
    const context = new InvocationContext({ functionName: 'fetchCityWeather', invocationId: runId, logHandler: (_level, ...args) => logs.push(args.join(' ')) });
    await handler({ v: 1, runId, cityId, city: 'Boston, MA, USA', lat: 42.3601, lng: -71.0589, start: '2023-07-01', end: '2023-07-02' }, context);

    const raw = app.clients.blobService().getContainerClient(RESOURCES.rawContainer);
    const kept: string[] = [];
    for await (const blob of raw.listBlobsFlat({ prefix: `${cityId}/` })) kept.push(blob.name);
    expect(kept).toEqual([expect.stringMatching(new RegExp(`^${cityId}/2023-07-01_2023-07-02/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.json$`))]);
    const body = JSON.parse((await raw.getBlobClient(kept[0]!).downloadToBuffer()).toString()) as { hourly: { time: string[] } };
    expect(body.hourly.time).toHaveLength(48);
    const events = (await readSince(eventHubs, mark, (all) => all.filter((e) => (e.event.body as CityDayEvent).cityId === cityId).length >= 2))
      .filter((e) => (e.event.body as CityDayEvent).cityId === cityId);
    expect(events).toHaveLength(2);
    expect(logs.join('\n')).toContain(`run=${runId} city=${cityId}`);
    expect(logs.join('\n')).not.toContain('test-key');
    expect(standIn.stats().calls).toBe(1);
    // The call spent a slice of the shared quota, claimed in Table `quota` (not the fallback share).
    const quota = app.clients.table(RESOURCES.quotaTable).listEntities<{ window: string; claimed: number }>();
    const windows: string[] = [];
    for await (const entity of quota) if (entity.claimed >= 1) windows.push(entity.window);
    expect(new Set(windows)).toEqual(new Set(['minute', 'hour', 'day']));
  });
});

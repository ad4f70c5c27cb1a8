// The app's HTTP functions in a local host on a port of its own, over an Azurite of its own with two cities'
// months in it, for tests that call the API over real HTTP as a client would.
import { inject } from 'vitest';
import { definitions } from '../../functions/definitions/index.ts';
import { RESOURCES } from '../../functions/config/settings.ts';
import { startAzurite, type RunningAzurite } from '../../local/azurite.ts';
import { createLocalHost, type LocalHost } from '../../local/host/createLocalHost.ts';
import { makeEvent } from '../functions/core/aggregate/makeEvent.ts';
import { createAggregateTemperaturesHandler } from '../../functions/aggregate/aggregateBatch.ts';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../functions/adapters/blobs.ts';
import { createCityRegistry } from '../../functions/adapters/cityRegistry.ts';
import { eventHubContext } from '../functions/aggregate/fixtures.ts';

export const KEYS = { function: 'function-key-for-tests-0123456789', master: 'master-key-for-tests-0123456789' };
export const httpDefinitions = definitions.filter((d) => d.trigger.type === 'http');

export interface ApiHost {
  url: string;
  host: LocalHost;
  /** The host's own Azurite, to inspect what is stored. */
  azuriteConnectionString: string;
  close(): Promise<void>;
}

/** Months for `alpha-city` and `beta-city`, so a query that leaks across partitions would show beta's. */
async function seed(host: LocalHost): Promise<void> {
  const { clients } = host.app;
  const handler = createAggregateTemperaturesHandler({
    table: createAggregateTable(clients.table(RESOURCES.aggregatesTable)),
    blobs: createBlobStore(clients.blobService()),
    deadletterContainer: RESOURCES.deadletterContainer,
  });
  const events = ['alpha-city', 'beta-city'].flatMap((cityId) => ['2023-01-01', '2023-02-01'].map((date) => makeEvent({ cityId, city: cityId, date })));
  await handler(events, eventHubContext('0', 0, events.length));
  const cities = ['alpha-city', 'beta-city'].map((cityId) => ({ cityId, city: cityId, lat: 1, lng: 1 }));
  await createCityRegistry(clients.table(RESOURCES.citiesTable)).upsert(cities, new Date());
}

export async function startApiHost(): Promise<ApiHost> {
  const azurite: RunningAzurite = await startAzurite();
  const host = createLocalHost({
    definitions: httpDefinitions,
    settings: { STORAGE: azurite.connectionString, EVENTHUB: inject('eventHubsConnectionString'), LOCAL_FUNCTION_KEY: KEYS.function, LOCAL_MASTER_KEY: KEYS.master },
    httpPort: 0,
    log: () => undefined,
  });
  await host.start();
  await seed(host);
  return {
    url: host.http.url,
    host,
    azuriteConnectionString: azurite.connectionString,
    async close() {
      await host.stop();
      await azurite.close();
    },
  };
}

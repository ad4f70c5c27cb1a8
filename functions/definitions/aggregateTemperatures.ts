// Event Hubs → monthly aggregates. Batches (cardinality many); transient failures re-run the batch through the
// host's retry policy, because the host checkpoints after every invocation, failed or not.
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createBlobStore } from '../adapters/blobs.ts';
import { createAggregateTemperaturesHandler } from '../aggregate/aggregateBatch.ts';
import type { EventHubFunction } from '../app/definition.ts';
import { EVENTHUB_CONNECTION, RESOURCES, SETTINGS } from '../config/settings.ts';

export const aggregateTemperatures: EventHubFunction = {
  name: 'aggregateTemperatures',
  trigger: {
    type: 'eventHub',
    eventHubName: `%${SETTINGS.eventHubName}%`,
    consumerGroup: `%${SETTINGS.eventHubConsumerGroup}%`,
    connection: EVENTHUB_CONNECTION,
    cardinality: 'many',
    retry: { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { milliseconds: 1_000 }, maximumInterval: { milliseconds: 30_000 } },
  },
  handler: (app) =>
    createAggregateTemperaturesHandler({
      // A city whose events span batches has its follow-up batches merged onto the months it just wrote, without a
      // read (in the seed 14 of 64 reads: one fetch publishes a city's whole window, so most cities come in one
      // batch). 1,024 months are ~8 MB.
      table: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable), { cachedMonths: 1024 }),
      blobs: createBlobStore(app.clients.blobService()),
      deadletterContainer: RESOURCES.deadletterContainer,
    }),
};

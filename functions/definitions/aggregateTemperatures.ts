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
      // A city's events arrive in a few batches close together (one fetch publishes its whole window), so a small
      // cache of recent cities' months (~6 KB each) saves most reads before merges.
      table: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable), { cachedMonths: 1024 }),
      blobs: createBlobStore(app.clients.blobService()),
      deadletterContainer: RESOURCES.deadletterContainer,
    }),
};

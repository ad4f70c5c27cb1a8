// The aggregator's table work against Azurite, next to two baselines measured in the same run:
// raw entity-group transactions (what Azurite can do at best) and a naive upsert per reading (a literal port of
// the seed). Reports table operations per 1,000 readings (target ≥ 100× fewer than naive).
import { performance } from 'node:perf_hooks';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../functions/adapters/blobs.ts';
import { aggregateBatch } from '../../functions/aggregate/aggregateBatch.ts';
import { forEachLimit } from '../../functions/aggregate/forEachLimit.ts';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../../local/azurite.ts';
import { syntheticEvents } from '../lib/syntheticEvents.ts';
import { withRatio, type Bench, type Figure } from '../lib/types.ts';

const CONCURRENCY = 8;

async function table(connectionString: string, name: string): Promise<TableClient> {
  const client = TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
  await client.createTable();
  return client;
}

async function rawTransactionsPerSecond(connectionString: string): Promise<number> {
  const client = await table(connectionString, 'benchraw');
  const transactions = Array.from({ length: 200 }, (_, t) =>
    Array.from({ length: 100 }, (_, i): TransactionAction => ['upsert', { partitionKey: `p${t % 50}`, rowKey: `r${t}-${i}`, value: i, text: 'x'.repeat(400) }]),
  );
  const start = performance.now();
  await forEachLimit(transactions, CONCURRENCY, async (actions) => {
    await client.submitTransaction(actions);
  });
  return transactions.length / ((performance.now() - start) / 1000);
}

async function naiveReadingsPerSecond(connectionString: string, readings: number): Promise<number> {
  const client = await table(connectionString, 'benchnaive');
  const rows = Array.from({ length: readings }, (_, i) => i);
  const start = performance.now();
  await forEachLimit(rows, CONCURRENCY, async (i) => {
    // One upsert per reading keyed by grid cell, as the seed's Table sink did.
    await client.upsertEntity({ partitionKey: `cell-${i % 50}`, rowKey: `2023-01-${i}`, temperature: i / 10 }, 'Merge');
  });
  return readings / ((performance.now() - start) / 1000);
}

export const tableBench: Bench = {
  name: 'table',
  description: 'aggregator table throughput and operations per 1,000 readings vs raw transactions and a naive upsert per reading',
  async run() {
    const azurite = await startAzurite();
    try {
      const raw = await rawTransactionsPerSecond(azurite.connectionString);
      const naive = await naiveReadingsPerSecond(azurite.connectionString, 4_800);

      const blobService = BlobServiceClient.fromConnectionString(azurite.connectionString);
      await blobService.getContainerClient('deadletter').createIfNotExists();
      const deps = {
        table: createAggregateTable(await table(azurite.connectionString, 'benchaggregates')),
        blobs: createBlobStore(blobService),
        deadletterContainer: 'deadletter',
      };
      // A partition's batch holds whole fetch jobs (one city's days in order), as the fetch stage publishes them.
      const events = syntheticEvents(50, 242);
      const batches: unknown[][] = [];
      for (let i = 0; i < events.length; i += 512) batches.push(events.slice(i, i + 512));
      let operations = 0;
      const start = performance.now();
      await forEachLimit(batches, 4, async (batch) => {
        const result = await aggregateBatch(deps, batch, { partitionId: '0', sequenceNumbers: [], enqueuedTimes: [] });
        operations += result.tableOperations;
      });
      const seconds = (performance.now() - start) / 1000;
      const readings = events.length * 24;
      const figures: Figure[] = [
        withRatio({
          metric: 'aggregator table requests/s', value: operations / seconds, unit: 'requests/s', baseline: raw, better: 'higher',
          note: 'baseline: raw 100-entity transactions/s on the same Azurite',
        }),
        withRatio({
          metric: 'aggregator readings/s', value: readings / seconds, unit: 'readings/s', baseline: naive, better: 'higher',
          note: 'baseline: naive upsert per reading',
        }),
        withRatio({
          metric: 'table requests per 1,000 readings', value: (operations / readings) * 1000, unit: 'requests', baseline: 1000,
          better: 'lower', target: { op: '>=', value: 100 }, note: 'baseline: naive = 1 upsert per reading',
        }),
      ];
      return figures;
    } finally {
      await azurite.close();
    }
  },
};

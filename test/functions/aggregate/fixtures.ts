// Shared by the aggregation integration tests: Azurite clients under unique names, an InvocationContext as the
// host builds it, and entities without the service's bookkeeping.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAggregateTable, type AggregateTable, type AggregateTableOptions } from '../../../functions/adapters/aggregateTable.ts';
import { createBlobStore, type BlobStore } from '../../../functions/adapters/blobs.ts';

export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export async function newTable(connectionString: string, prefix: string, options?: AggregateTableOptions): Promise<{ client: TableClient; table: AggregateTable }> {
  const client = TableClient.fromConnectionString(connectionString, uniqueName(prefix), { allowInsecureConnection: true });
  await client.createTable();
  return { client, table: createAggregateTable(client, options) };
}

export async function newContainer(connectionString: string, prefix: string): Promise<{ name: string; blobs: BlobStore; service: BlobServiceClient }> {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const name = uniqueName(prefix);
  await service.getContainerClient(name).createIfNotExists();
  return { name, blobs: createBlobStore(service), service };
}

export interface Logged { level: string; text: string }

export function eventHubContext(partitionId: string, firstSequence: number, count: number, logs: Logged[] = []): InvocationContext {
  return new InvocationContext({
    functionName: 'aggregateTemperatures',
    invocationId: uniqueName('inv-'),
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
    triggerMetadata: {
      partitionContext: { partitionId, consumerGroup: 'aggregator', eventHubName: 'temperatures' },
      sequenceNumberArray: Array.from({ length: count }, (_, i) => firstSequence + i),
      enqueuedTimeUtcArray: Array.from({ length: count }, () => '2023-09-23T10:00:00.000Z'),
      offsetArray: Array.from({ length: count }, (_, i) => String((firstSequence + i) * 100)),
    },
  });
}

/** All entities of a table, keyed `PartitionKey/RowKey`, without etag, timestamp or OData annotations. */
export async function tableSnapshot(client: TableClient): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for await (const entity of client.listEntities<Record<string, unknown>>()) {
    const clean = Object.fromEntries(Object.entries(entity).filter(([k]) => k !== 'etag' && k !== 'timestamp' && !k.includes('@')));
    out[`${String(entity.partitionKey)}/${String(entity.rowKey)}`] = clean;
  }
  return out;
}

// Lazily created, process-wide SDK clients for one Config.
import type { TableClient } from '@azure/data-tables';
import type { EventHubProducerClient } from '@azure/event-hubs';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { Config } from '../config/loadConfig.ts';
import {
  createBlobServiceClient,
  createEventHubProducer,
  createQueueServiceClient,
  createTableClient,
} from '../adapters/clients.ts';
import type { Clients } from './definition.ts';

export function createClients(config: Config): Clients {
  let blob: BlobServiceClient | undefined;
  let queue: QueueServiceClient | undefined;
  let producer: EventHubProducerClient | undefined;
  const tables = new Map<string, TableClient>();
  return {
    blobService: () => (blob ??= createBlobServiceClient(config.storage)),
    queueService: () => (queue ??= createQueueServiceClient(config.storage)),
    table: (name) => {
      let client = tables.get(name);
      if (!client) {
        client = createTableClient(config.storage, name);
        tables.set(name, client);
      }
      return client;
    },
    eventHubProducer: () => (producer ??= createEventHubProducer(config.eventHub.connection, config.eventHub.name)),
    close: async () => {
      await producer?.close();
      producer = undefined;
    },
  };
}

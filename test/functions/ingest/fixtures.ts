// Shared by the ingest integration tests: real Azurite resources under unique names, the adapters over them,
// an Event Grid-shaped BlobCreated message, and a queue drain.
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { createCityRegistry } from '../../../functions/adapters/cityRegistry.ts';
import { createQueueSender, decodeQueueMessage } from '../../../functions/adapters/queues.ts';
import { createRunLedger } from '../../../functions/adapters/runLedger.ts';
import type { CityFileDeps } from '../../../functions/ingest/onCityFile.ts';

export interface IngestWorld {
  blobService: BlobServiceClient;
  queueService: QueueServiceClient;
  table: TableClient;
  runs: TableClient;
  resources: { citiesContainer: string; rejectedContainer: string; fetchJobsQueue: string };
  deps(overrides?: Partial<CityFileDeps>): CityFileDeps;
  upload(name: string, body: string | Buffer, metadata?: Record<string, string>): Promise<string>;
  drainJobs(): Promise<unknown[]>;
  readReport(file: string): Promise<unknown>;
}

const suffix = () => randomBytes(4).toString('hex');

export async function createIngestWorld(connectionString: string, prefix: string): Promise<IngestWorld> {
  const id = suffix();
  const resources = { citiesContainer: `${prefix}-cities-${id}`, rejectedContainer: `${prefix}-rejected-${id}`, fetchJobsQueue: `${prefix}-jobs-${id}` };
  const blobService = BlobServiceClient.fromConnectionString(connectionString);
  const queueService = QueueServiceClient.fromConnectionString(connectionString);
  const table = TableClient.fromConnectionString(connectionString, `${prefix.replace(/[^a-z0-9]/gi, '')}cities${id}`, { allowInsecureConnection: true });
  const runs = TableClient.fromConnectionString(connectionString, `${prefix.replace(/[^a-z0-9]/gi, '')}runs${id}`, { allowInsecureConnection: true });
  await Promise.all([
    blobService.getContainerClient(resources.citiesContainer).create(),
    blobService.getContainerClient(resources.rejectedContainer).create(),
    queueService.getQueueClient(resources.fetchJobsQueue).create(),
    table.createTable(),
    runs.createTable(),
  ]);
  const blobs = createBlobStore(blobService);
  return {
    blobService,
    queueService,
    table,
    runs,
    resources,
    deps: (overrides = {}) => ({
      blobs,
      queue: createQueueSender(queueService),
      registry: createCityRegistry(table),
      ledger: createRunLedger(runs),
      config: { fetchWindowDays: 366, defaultRange: { start: '2023-01-01', end: '2023-08-30' } },
      now: () => new Date('2024-06-15T08:00:00Z'),
      resources,
      ...overrides,
    }),
    async upload(name, body, metadata) {
      const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const response = await blobService
        .getContainerClient(resources.citiesContainer)
        .getBlockBlobClient(name)
        .upload(buffer, buffer.length, metadata ? { metadata } : {});
      return response.etag ?? '';
    },
    async drainJobs() {
      const queue = queueService.getQueueClient(resources.fetchJobsQueue);
      const out: unknown[] = [];
      for (;;) {
        const { receivedMessageItems: items } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 300 });
        if (items.length === 0) return out;
        for (const item of items) {
          out.push(decodeQueueMessage(item.messageText));
          await queue.deleteMessage(item.messageId, item.popReceipt);
        }
      }
    },
    async readReport(file) {
      const client = blobService.getContainerClient(resources.rejectedContainer).getBlobClient(`${file}.errors.json`);
      if (!(await client.exists())) return undefined;
      return JSON.parse((await client.downloadToBuffer()).toString('utf8')) as unknown;
    },
  };
}

/** The Event Grid-schema message Azure (and the local host) put on `city-files` for a new blob. */
export function blobCreatedMessage(container: string, name: string, etag = '"0x8DC0000000000001"'): Record<string, unknown> {
  return {
    id: `evt-${suffix()}`,
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
    subject: `/blobServices/default/containers/${container}/blobs/${name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: '2024-06-15T08:00:00.000Z',
    dataVersion: '',
    metadataVersion: '1',
    data: {
      api: 'PutBlob',
      eTag: etag.replace(/"/g, ''),
      contentType: 'application/octet-stream',
      blobType: 'BlockBlob',
      url: `http://127.0.0.1:10000/devstoreaccount1/${container}/${encodeURIComponent(name)}`,
      sequencer: '0000000000000000000000000000000100000000000000',
    },
  };
}

export interface LogLine {
  level: string;
  text: string;
}

export function invocationContext(functionName: string, logs: LogLine[] = []): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: `inv-${suffix()}`,
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
  });
}

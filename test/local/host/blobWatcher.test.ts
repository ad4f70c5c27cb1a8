import { afterEach, describe, expect, inject, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { decodeQueueMessage } from '../../../functions/adapters/queues.ts';
import { InvocationTracker } from '../../../local/host/invocations.ts';
import { startBlobWatcher, type RunningBlobWatcher } from '../../../local/host/blobWatcher.ts';
import type { BlobCreatedEvent } from '../../../local/host/blobCreatedEvent.ts';
import { uniqueName } from './testHost.ts';

const connectionString = inject('azuriteConnectionString');
const blobService = BlobServiceClient.fromConnectionString(connectionString);
const queueService = QueueServiceClient.fromConnectionString(connectionString);

async function drain(queueName: string): Promise<{ text: string; event: BlobCreatedEvent }[]> {
  const response = await queueService.getQueueClient(queueName).receiveMessages({ numberOfMessages: 32 });
  return response.receivedMessageItems.map((m) => ({ text: m.messageText, event: decodeQueueMessage(m.messageText) as BlobCreatedEvent }));
}

describe('startBlobWatcher', () => {
  let watcher: RunningBlobWatcher | undefined;
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
  });

  const start = (container: string, queueName: string) =>
    startBlobWatcher({ container, queueName, blobService, queueService, tracker: new InvocationTracker(() => undefined), intervalMs: 60_000 });

  it('enqueues the Event Grid BlobCreated message Azure would send, base64 encoded', async () => {
    const container = uniqueName('watch');
    const queueName = uniqueName('watch-q');
    watcher = await start(container, queueName);
    const blob = blobService.getContainerClient(container).getBlockBlobClient('us/cities.jsonl');
    const upload = await blob.upload('{"city":"A","lat":1,"lng":2}\n', 29, { blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
    await watcher.scan();
    expect(watcher.announced()).toBe(1);
    const [message, ...rest] = await drain(queueName);
    expect(rest).toEqual([]);
    expect(message?.text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const event = message!.event;
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      topic: expect.stringMatching(/^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/),
      subject: `/blobServices/default/containers/${container}/blobs/us/cities.jsonl`,
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: expect.any(String),
      dataVersion: '',
      metadataVersion: '1',
      data: {
        api: 'PutBlob',
        clientRequestId: expect.any(String),
        requestId: expect.any(String),
        eTag: upload.etag?.replace(/"/g, ''),
        contentType: 'application/x-ndjson',
        contentLength: 29,
        blobType: 'BlockBlob',
        url: blob.url,
        sequencer: expect.stringMatching(/^[0-9a-f]{32}$/),
        storageDiagnostics: { batchId: expect.any(String) },
      },
    });
    expect(Number.isNaN(Date.parse(event.eventTime))).toBe(false);
  });

  it('announces a blob once, again when it is overwritten, and not again after a restart', async () => {
    const container = uniqueName('watch');
    const queueName = uniqueName('watch-q');
    const blob = blobService.getContainerClient(container).getBlockBlobClient('a.jsonl');
    await blobService.getContainerClient(container).createIfNotExists();
    await blob.upload('x', 1);
    watcher = await start(container, queueName);
    await watcher.scan();
    await watcher.scan();
    expect(watcher.announced()).toBe(1);
    await blob.upload('yy', 2);
    await watcher.scan();
    expect(watcher.announced()).toBe(2);
    await watcher.stop();
    watcher = await start(container, queueName);
    await watcher.scan();
    expect(watcher.announced()).toBe(0);
    const events = (await drain(queueName)).map((m) => m.event);
    expect(events.map((e) => e.data.contentLength)).toEqual([1, 2]);
    expect(events[0]!.data.sequencer < events[1]!.data.sequencer).toBe(true);
  });
});

// Watches a container and enqueues a BlobCreated event for each new or overwritten blob, standing in for the
// Event Grid subscription Azure has. What it has announced (name → ETag) is kept in a blob under
// `azure-webjobs-hosts`, so a host restart does not announce the same blobs again; a first start with no record
// announces every blob already there (the CLI uploads before it starts the host).
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { encodeQueueMessage } from '../../functions/adapters/queues.ts';
import { ensureErrorType } from '../../functions/errors.ts';
import { blobCreatedEvent, type CreatedBlob } from './blobCreatedEvent.ts';
import type { InvocationTracker } from './invocations.ts';
import { sleep } from './sleep.ts';

export interface BlobWatcherOptions {
  container: string;
  queueName: string;
  blobService: BlobServiceClient;
  queueService: QueueServiceClient;
  tracker: InvocationTracker;
  intervalMs?: number;
}

export interface RunningBlobWatcher {
  /** Scans once now; resolves with the number of blobs announced. */
  scan(): Promise<number>;
  /** Completed scans, so a caller can wait for one that started after its own write. */
  scansCompleted(): number;
  announced(): number;
  stop(): Promise<void>;
}

const STATE_CONTAINER = 'azure-webjobs-hosts';

export async function startBlobWatcher(options: BlobWatcherOptions): Promise<RunningBlobWatcher> {
  const { container, queueName, tracker } = options;
  const containerClient = options.blobService.getContainerClient(container);
  const queue = options.queueService.getQueueClient(queueName);
  const stateBlob = options.blobService.getContainerClient(STATE_CONTAINER).getBlockBlobClient(`local-host/blob-watcher/${container}.json`);
  await Promise.all([containerClient.createIfNotExists(), queue.createIfNotExists(), options.blobService.getContainerClient(STATE_CONTAINER).createIfNotExists()]);
  const seen = new Map<string, string>(await loadState());
  const accountName = containerClient.accountName;
  let counter = 0;
  let announced = 0;
  let completed = 0;
  let current: Promise<number> | undefined;
  const stopping = new AbortController();

  async function loadState(): Promise<[string, string][]> {
    try {
      const text = (await stateBlob.downloadToBuffer()).toString('utf8');
      return Object.entries(JSON.parse(text) as Record<string, string>);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return [];
      throw error;
    }
  }

  const scanOnce = async (): Promise<number> => {
    const fresh: CreatedBlob[] = [];
    const present = new Set<string>();
    for await (const item of containerClient.listBlobsFlat()) {
      present.add(item.name);
      const etag = item.properties.etag ?? '';
      if (seen.get(item.name) === etag) continue;
      fresh.push({
        accountName,
        container,
        name: item.name,
        url: containerClient.getBlobClient(item.name).url,
        etag,
        contentType: item.properties.contentType,
        contentLength: item.properties.contentLength ?? 0,
        blobType: item.properties.blobType,
        lastModified: item.properties.lastModified,
      });
    }
    const forgotten = [...seen.keys()].filter((name) => !present.has(name));
    for (const name of forgotten) seen.delete(name);
    if (fresh.length > 0) {
      await tracker.busy(async () => {
        for (const blob of fresh) {
          await queue.sendMessage(encodeQueueMessage(blobCreatedEvent(blob, ++counter)));
          seen.set(blob.name, blob.etag);
          announced++;
          tracker.log('information', `announced BlobCreated for ${container}/${blob.name} on ${queueName}`);
        }
      });
    }
    if (fresh.length > 0 || forgotten.length > 0) {
      const body = JSON.stringify(Object.fromEntries(seen));
      await stateBlob.upload(body, Buffer.byteLength(body));
    }
    completed++;
    return fresh.length;
  };

  const scan = (): Promise<number> => {
    // One scan at a time: two overlapping scans would announce the same blob twice.
    const run = (current ?? Promise.resolve(0)).catch(() => 0).then(scanOnce);
    current = run;
    return run;
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await scan();
      } catch (error) {
        tracker.log('warning', `watching ${container} failed: ${ensureErrorType(error).message}`);
      }
      await sleep(options.intervalMs ?? 1_000, stopping.signal);
    }
  })();

  return {
    scan,
    scansCompleted: () => completed,
    announced: () => announced,
    async stop() {
      stopping.abort();
      await loop;
      await current?.catch(() => undefined);
    },
  };
}

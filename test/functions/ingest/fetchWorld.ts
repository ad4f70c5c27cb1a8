// Shared by the fetch integration tests: Azurite resources under unique names, the Event Hubs emulator, the
// Open-Meteo stand-in, the real adapters over them, and a queue loop with the host's semantics.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EventHubProducerClient } from '@azure/event-hubs';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { createEventPublisher } from '../../../functions/adapters/eventPublisher.ts';
import { createOpenMeteoClient, type OpenMeteoClientOptions } from '../../../functions/adapters/openMeteoClient.ts';
import { createQueueSender, decodeQueueMessage } from '../../../functions/adapters/queues.ts';
import type { FetchJob } from '../../../functions/core/model.ts';
import { fetchCityWeather, type FetchDeps, type FetchOutcome } from '../../../functions/ingest/fetchCityWeather.ts';
import { startOpenMeteoStandIn, type RunningStandIn, type StandInOptions } from '../../../local/openmeteo/standIn.ts';
import { HUB } from './fetchEventReader.ts';

export interface FetchWorld {
  blobService: BlobServiceClient;
  queueService: QueueServiceClient;
  producer: EventHubProducerClient;
  standIn: RunningStandIn;
  resources: { rawContainer: string; deadletterContainer: string; fetchJobsQueue: string };
  deps(client?: Partial<OpenMeteoClientOptions>, overrides?: Partial<FetchDeps>): FetchDeps;
  logs: string[];
  context(): InvocationContext;
  close(): Promise<void>;
}

export async function createFetchWorld(storage: string, eventHubs: string, prefix: string, standInOptions: StandInOptions = {}): Promise<FetchWorld> {
  const id = randomBytes(4).toString('hex');
  const resources = { rawContainer: `${prefix}-raw-${id}`, deadletterContainer: `${prefix}-dead-${id}`, fetchJobsQueue: `${prefix}-jobs-${id}` };
  const blobService = BlobServiceClient.fromConnectionString(storage);
  const queueService = QueueServiceClient.fromConnectionString(storage);
  await Promise.all([
    blobService.getContainerClient(resources.rawContainer).create(),
    blobService.getContainerClient(resources.deadletterContainer).create(),
    queueService.getQueueClient(resources.fetchJobsQueue).create(),
  ]);
  const standIn = await startOpenMeteoStandIn({ availableUntil: '2024-12-31', ...standInOptions });
  const producer = new EventHubProducerClient(eventHubs, HUB);
  const clients: { close(): Promise<void> }[] = [];
  const logs: string[] = [];
  return {
    blobService,
    queueService,
    producer,
    standIn,
    resources,
    logs,
    deps(clientOptions = {}, overrides = {}) {
      const client = createOpenMeteoClient({
        url: standIn.url,
        timeoutMs: 5_000,
        limits: [{ name: 'minute', windowMs: 60_000, limit: 100_000 }],
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
        ...clientOptions,
      });
      clients.push(client);
      return {
        client,
        blobs: createBlobStore(blobService),
        publisher: createEventPublisher(producer),
        queue: createQueueSender(queueService),
        now: () => new Date(),
        fetchWindowDays: 366,
        resources,
        ...overrides,
      };
    },
    context: () =>
      new InvocationContext({
        functionName: 'fetchCityWeather',
        invocationId: randomBytes(8).toString('hex'),
        logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`),
      }),
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await producer.close();
      await standIn.close();
    },
  };
}

/** The seed's cities as fetch jobs (ids made unique per run so tests sharing the hub never collide). */
export function seedJobs(runId: string, start: string, end: string): FetchJob[] {
  const text = readFileSync(new URL('../../../local/data/us50-2023/cities.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const { city, lat, lng } = JSON.parse(line) as { city: string; lat: number; lng: number };
      const cityId = `${city.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${runId.slice(0, 8)}-${i}`;
      return { v: 1, runId, cityId, city, lat, lng, start, end };
    });
}

export interface QueueRun {
  outcomes: FetchOutcome[];
  failures: string[];
  poisoned: unknown[];
}

/**
 * Drives a queue the way the Functions host does: receive, run the handler, delete on success; on a throw the
 * message reappears after its visibility timeout, and past `maxDequeue` dequeues it is poisoned (here: recorded).
 * Stops once `until` holds and the queue is empty, or at `timeoutMs`.
 */
export async function runQueue(
  world: FetchWorld,
  deps: FetchDeps,
  until: (run: QueueRun) => boolean,
  options: { timeoutMs: number; concurrency?: number; visibilitySeconds?: number; maxDequeue?: number },
): Promise<QueueRun> {
  const queue = world.queueService.getQueueClient(world.resources.fetchJobsQueue);
  const run: QueueRun = { outcomes: [], failures: [], poisoned: [] };
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const { receivedMessageItems: items } = await queue.receiveMessages({ numberOfMessages: options.concurrency ?? 16, visibilityTimeout: options.visibilitySeconds ?? 3 });
    if (items.length === 0) {
      if (until(run) && (await queue.getProperties()).approximateMessagesCount === 0) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    await Promise.all(items.map(async (item) => {
      const message = decodeQueueMessage(item.messageText);
      if (item.dequeueCount > (options.maxDequeue ?? 5)) {
        run.poisoned.push(message);
        await queue.deleteMessage(item.messageId, item.popReceipt);
        return;
      }
      try {
        run.outcomes.push(await fetchCityWeather(message, deps, world.context()));
        await queue.deleteMessage(item.messageId, item.popReceipt);
      } catch (error) {
        run.failures.push(String(error));
      }
    }));
  }
  return run;
}

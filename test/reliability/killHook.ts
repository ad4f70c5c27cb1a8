// Loaded with `node --import` into a child process a kill test starts: it wraps SDK methods so that the process
// kills itself with SIGKILL at an exact point of its own work, printing a marker line first. Nothing in the app
// knows about it. Set by environment:
//   KILL_POINT=before-publish   the first EventHubProducerClient.sendBatch, before it sends (raw responses kept)
//   KILL_POINT=mid-publish      once the first sendBatch is acknowledged; with KILL_BATCH_BYTES small, the job has
//                               more batches to send
//   KILL_POINT=mid-transaction  once the first `aggregates` transaction is committed, before the batch checkpoints
//   KILL_BATCH_BYTES=N          createBatch caps batches at N bytes, so one job's days take several batches
//   KILL_QUEUE_LEASE_SECONDS=N  messages this process receives are leased for N s instead of the host's 10 minutes,
//                               so another process gets them back within the test's time
import { writeSync } from 'node:fs';
import { TableClient } from '@azure/data-tables';
import { EventHubProducerClient, type EventData, type EventDataBatch } from '@azure/event-hubs';
import { QueueClient } from '@azure/storage-queue';

const point = process.env.KILL_POINT;
const batchBytes = Number(process.env.KILL_BATCH_BYTES ?? 0);
const leaseSeconds = Number(process.env.KILL_QUEUE_LEASE_SECONDS ?? 0);

export const KILL_MARKER = 'KILL_POINT reached:';

function die(detail: Record<string, unknown>): never {
  writeSync(2, `${KILL_MARKER} ${JSON.stringify({ point, ...detail })}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL sent');
}

/** What a batch holds, for the marker: the days (cityId, date) added to it. */
const contents = new WeakMap<EventDataBatch, { cityId: string; date: string }[]>();

const producer = EventHubProducerClient.prototype;
const createBatch = producer.createBatch;
producer.createBatch = async function (this: EventHubProducerClient, options = {}) {
  const batch = await createBatch.call(this, batchBytes > 0 ? { ...options, maxSizeInBytes: batchBytes } : options);
  const days: { cityId: string; date: string }[] = [];
  contents.set(batch, days);
  const tryAdd = batch.tryAdd.bind(batch);
  batch.tryAdd = (event, addOptions) => {
    const added = tryAdd(event, addOptions);
    const body = (event as EventData).body as { cityId?: string; date?: string } | undefined;
    if (added && body?.cityId && body.date) days.push({ cityId: body.cityId, date: body.date });
    return added;
  };
  return batch;
};

// The app sends EventDataBatch objects only (eventPublisher.ts); the overloads are one function underneath.
const sendBatch = producer.sendBatch as (this: EventHubProducerClient, batch: EventDataBatch, options?: object) => Promise<void>;
producer.sendBatch = async function (this: EventHubProducerClient, batch: EventDataBatch, options?: object) {
  if (point === 'before-publish') die({ days: contents.get(batch) ?? [] });
  await sendBatch.call(this, batch, options);
  if (point === 'mid-publish') die({ days: contents.get(batch) ?? [] });
} as EventHubProducerClient['sendBatch'];

const submitTransaction = TableClient.prototype.submitTransaction;
TableClient.prototype.submitTransaction = async function (this: TableClient, ...args: Parameters<TableClient['submitTransaction']>) {
  const response = await submitTransaction.apply(this, args);
  if (point === 'mid-transaction' && this.tableName === 'aggregates') {
    die({ table: this.tableName, entities: args[0].map(([, entity]) => `${entity.partitionKey}|${entity.rowKey}`) });
  }
  return response;
};

if (leaseSeconds > 0) {
  const receiveMessages = QueueClient.prototype.receiveMessages;
  QueueClient.prototype.receiveMessages = function (this: QueueClient, options = {}) {
    return receiveMessages.call(this, { ...options, visibilityTimeout: leaseSeconds });
  };
}

// Run as a child process by clients.identity.test.ts (NODE_EXTRA_CA_CERTS must be set before Node starts): builds
// the app's clients from identity settings, exactly as functions/index.ts does on Azure, and uses each once.
// Argument: `storage` (blob, queue, table) or `eventhubs` (send one event, read it back).
import { earliestEventPosition, RetryMode } from '@azure/event-hubs';
import { createBlobServiceClient, createEventHubConsumer, createEventHubProducer, createQueueServiceClient, createTableClient } from '../../../functions/adapters/clients.ts';
import { parseEventHubConnection, parseStorageConnection } from '../../../functions/config/connections.ts';

async function eventHubs(result: Record<string, unknown>): Promise<void> {
  const connection = parseEventHubConnection(process.env, 'EVENTHUB');
  result.kind = connection.kind;
  const fast = { mode: RetryMode.Exponential, maxRetries: 0, retryDelayInMs: 100, timeoutInMs: 10_000 };
  const producer = createEventHubProducer(connection, 'temperatures', fast);
  const consumer = createEventHubConsumer(connection, 'temperatures', '$default');
  try {
    await producer.sendBatch([{ body: { hello: 'identity' } }], { partitionId: '0' });
    result.eventhubs = await new Promise((resolve, reject) => {
      const subscription = consumer.subscribe('0', {
        processEvents: async (events) => {
          if (events.length === 0) return;
          await subscription.close();
          resolve(events[0]?.body);
        },
        processError: async (error) => {
          await subscription.close();
          reject(error);
        },
      }, { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 });
    });
  } finally {
    await Promise.all([producer.close(), consumer.close()]);
  }
}

async function storage(result: Record<string, unknown>): Promise<void> {
  const connection = parseStorageConnection(process.env, 'STORAGE');
  result.kind = connection.kind;
  const container = createBlobServiceClient(connection).getContainerClient('identity-probe');
  await container.createIfNotExists();
  await container.getBlockBlobClient('hello.txt').upload('hello', 5);
  result.blob = (await container.getBlobClient('hello.txt').downloadToBuffer()).toString();

  const queue = createQueueServiceClient(connection).getQueueClient('identity-probe');
  await queue.createIfNotExists();
  await queue.sendMessage('queued');
  result.queue = (await queue.receiveMessages()).receivedMessageItems[0]?.messageText;

  const table = createTableClient(connection, 'identityprobe');
  await table.createTable();
  await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
  result.table = (await table.getEntity<{ value: number }>('p', 'r')).value;
}

const result: Record<string, unknown> = {};
try {
  await (process.argv[2] === 'eventhubs' ? eventHubs(result) : storage(result));
} catch (error) {
  const { message, statusCode, code } = error as { message: string; statusCode?: number; code?: string };
  result.error = { name: (error as Error).name, message: message.split('\n')[0], statusCode, code };
}
process.stdout.write(`${JSON.stringify(result)}\n`);

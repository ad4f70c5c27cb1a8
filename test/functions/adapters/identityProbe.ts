// Run as a child process by clients.identity.test.ts (NODE_EXTRA_CA_CERTS must be set before Node starts): builds
// the app's storage clients from identity settings, exactly as functions/index.ts does on Azure, and uses each once.
import { createBlobServiceClient, createQueueServiceClient, createTableClient } from '../../../functions/adapters/clients.ts';
import { parseStorageConnection } from '../../../functions/config/connections.ts';

const connection = parseStorageConnection(process.env, 'STORAGE');
const result: Record<string, unknown> = { kind: connection.kind };
try {
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
} catch (error) {
  const { message, statusCode, code } = error as { message: string; statusCode?: number; code?: string };
  result.error = { name: (error as Error).name, message: message.split('\n')[0], statusCode, code };
}
process.stdout.write(`${JSON.stringify(result)}\n`);

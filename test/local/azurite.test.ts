import { describe, expect, inject, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';

describe('startAzurite', () => {
  const connectionString = inject('azuriteConnectionString');

  it('serves blobs, queues and tables to the real SDKs through one connection string', async () => {
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('azurite-smoke');
    await container.createIfNotExists();
    await container.getBlockBlobClient('hello.txt').upload('hi', 2);
    const body = await container.getBlobClient('hello.txt').downloadToBuffer();
    expect(body.toString()).toBe('hi');

    const queue = QueueServiceClient.fromConnectionString(connectionString).getQueueClient('azurite-smoke');
    await queue.createIfNotExists();
    await queue.sendMessage('m');
    const received = await queue.receiveMessages();
    expect(received.receivedMessageItems[0]?.messageText).toBe('m');

    const table = TableClient.fromConnectionString(connectionString, 'azuritesmoke', { allowInsecureConnection: true });
    await table.createTable();
    await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 1 });
    expect((await table.getEntity('p', 'r')).value).toBe(1);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../../local/azurite.ts';

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

  it('exits by itself when closed, so that on disk it saves first instead of being killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'azurite-close-'));
    const record = join(dir, 'exit-code');
    // 'exit' is emitted on a process's own way out, never when it is SIGKILLed (close()'s fallback).
    const onExit = `data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',(code)=>writeFileSync(${JSON.stringify(record)},String(code)))`;
    try {
      const azurite = await startAzurite({ nodeArgs: ['--import', onExit] });
      // Azurite hooks SIGTERM a few ticks after it says it listens; an answered request comes after those ticks.
      await BlobServiceClient.fromConnectionString(azurite.connectionString).getProperties();
      await azurite.close();
      expect(readFileSync(record, 'utf8')).toBe('0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

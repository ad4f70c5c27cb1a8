// `npm run emulators`: Azurite on 10000-10002 and the Event Hubs emulator on 5672 in the foreground, both connection
// strings printed, both stopped by Ctrl-C. It binds the fixed ports a user's tools expect, so the test is skipped
// (with a message) where something else holds one of them.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterEach, describe, expect, it } from 'vitest';
import { killLaunched, launch } from './cliProcess.ts';
import { waitUntil } from '../waitUntil.ts';

const PORTS = [10000, 10001, 10002, 5672];
const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
const busy = (await Promise.all(PORTS.map(async (port) => ((await free(port)) ? undefined : port)))).filter((p) => p !== undefined);
if (busy.length > 0) console.warn(`skipping the npm run emulators test: port(s) ${busy.join(', ')} in use`);

afterEach(killLaunched);

describe.skipIf(busy.length > 0)('npm run emulators', () => {
  it('starts Azurite and the Event Hubs emulator on their usual ports, prints both connection strings, and stops both on Ctrl-C', async () => {
    const running = launch(join(import.meta.dirname, '../../local/emulators.ts'), []);
    try {
      await waitUntil(() => /Event Hubs: +Endpoint=/.test(running.output()), 60_000, 'both connection strings');
      const output = running.output();
      const line = (label: string) => output.split('\n').find((l) => l.startsWith(label))?.slice(label.length).trim() ?? '';
      const storage = line('Storage (Azurite):');
      const eventHubs = line('Event Hubs:');
      expect(storage).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
      expect(eventHubs).toBe('Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=temperatures;');

      const container = BlobServiceClient.fromConnectionString(storage).getContainerClient('emulators-test');
      await container.createIfNotExists();
      const queue = QueueServiceClient.fromConnectionString(storage).getQueueClient('emulators-test');
      await queue.createIfNotExists();
      const producer = new EventHubProducerClient(eventHubs);
      try {
        expect((await producer.getEventHubProperties()).partitionIds).toHaveLength(4);
      } finally {
        await producer.close();
      }
    } finally {
      running.child.kill('SIGINT');
    }
    expect((await running.finished).code).toBe(0);
    // Both let go of their ports.
    expect(await Promise.all(PORTS.map(free))).toEqual([true, true, true, true]);
  }, 90_000);
});

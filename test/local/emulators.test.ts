// `npm run emulators`: Azurite on 10000-10002 and the Event Hubs emulator on 5672 in the foreground, both connection
// strings printed, both stopped by Ctrl-C. It binds the fixed ports a user's tools expect, so the test is skipped
// (with a message) where something else holds one of them. The ports are not probed first: on a shared machine a
// port free at the probe can be taken before the launch binds it; the launch itself is the probe.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterEach, describe, expect, it } from 'vitest';
import { killLaunched, launch } from './cliProcess.ts';
import { waitUntil } from '../waitUntil.ts';

afterEach(killLaunched);

describe('npm run emulators', () => {
  it('starts Azurite and the Event Hubs emulator on their usual ports, prints both connection strings, and stops both on Ctrl-C', async ({ skip }) => {
    const running = launch(join(import.meta.dirname, '../../local/emulators.ts'), []);
    let exited = false;
    void running.finished.then(() => (exited = true));
    const container = `emulators-test-${randomUUID()}`;
    let storage: string;
    try {
      await waitUntil(() => exited || /Event Hubs: +Endpoint=/.test(running.output()), 60_000, 'both connection strings');
      if (exited) {
        const { code, stderr } = await running.finished;
        const inUse = /EADDRINUSE[^\n]*:(\d+)/.exec(stderr);
        if (inUse) {
          console.warn(`skipping the npm run emulators test: port ${inUse[1]} is in use`);
          skip(`port ${inUse[1]} is in use`);
        }
        throw new Error(`npm run emulators exited with code ${code} before printing its connection strings:\n${stderr}`);
      }
      const output = running.output();
      const line = (label: string) => output.split('\n').find((l) => l.startsWith(label))?.slice(label.length).trim() ?? '';
      storage = line('Storage (Azurite):');
      const eventHubs = line('Event Hubs:');
      expect(storage).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
      expect(eventHubs).toBe('Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=temperatures;');

      await BlobServiceClient.fromConnectionString(storage).getContainerClient(container).create();
      const queue = QueueServiceClient.fromConnectionString(storage).getQueueClient(container);
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
    // The Event Hubs emulator lived in the process that exited; Azurite is a child process that could outlive it.
    // It is gone when nothing on its port knows the container made above (another Azurite may hold the port by now).
    const after = BlobServiceClient.fromConnectionString(storage, { retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 } });
    const stillThere = await after.getContainerClient(container).exists().catch(() => false);
    expect(stillThere, 'the Azurite child still serves the test container after Ctrl-C').toBe(false);
  }, 90_000);
});

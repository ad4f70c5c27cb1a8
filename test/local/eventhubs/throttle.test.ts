// The emulator's throttle switch: sends refused as com.microsoft:server-busy, which the client reports as a retryable
// ServerBusyError and retries by its policy. A refused send stores nothing.
import { EventHubProducerClient, type MessagingError } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await start({ port: 0, throttle: { serverBusyRate: 0.5, seed: 3 } });
});

afterAll(async () => {
  await emulator?.close();
});

async function stored(producer: EventHubProducerClient): Promise<number> {
  const p = await producer.getPartitionProperties('0');
  return p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber + 1;
}

describe('throttle', () => {
  it('refuses about the given share of sends with a retryable ServerBusyError, storing nothing for them', async () => {
    const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures', { retryOptions: { maxRetries: 0 } });
    try {
      const errors: MessagingError[] = [];
      for (let i = 0; i < 40; i++) {
        await producer.sendBatch([{ body: i }], { partitionId: '0' }).catch((error: unknown) => void errors.push(error as MessagingError));
      }
      expect(errors.length).toBeGreaterThan(10);
      expect(errors.length).toBeLessThan(30);
      expect(errors.every((e) => e.code === 'ServerBusyError' && e.retryable)).toBe(true);
      expect(emulator.throttledSends()).toBe(errors.length);
      expect(await stored(producer)).toBe(40 - errors.length);
    } finally {
      await producer.close();
    }
  });

  it('lets a client with retries get every send through', async () => {
    const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures', { retryOptions: { maxRetries: 20, retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
    try {
      const before = await stored(producer);
      const refusedBefore = emulator.throttledSends();
      for (let i = 0; i < 20; i++) await producer.sendBatch([{ body: i }], { partitionId: '0' });
      expect(emulator.throttledSends()).toBeGreaterThan(refusedBefore);
      expect(await stored(producer)).toBe(before + 20);
    } finally {
      await producer.close();
    }
  });
});

import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { waitUntil } from '../../waitUntil.ts';
import { collect } from './helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'eventhubs-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function sendAll(emulator: RunningEmulator, from: number, to: number): Promise<void> {
  const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures');
  try {
    for (let i = from; i < to; i += 10) {
      const batch = await producer.createBatch({ partitionKey: `city-${i}` });
      for (let j = i; j < Math.min(i + 10, to); j++) batch.tryAdd({ body: { n: j }, properties: { j } });
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
}

async function readAll(emulator: RunningEmulator, expected: number, timeoutMs = 5_000) {
  const consumer = new EventHubConsumerClient('$default', emulator.connectionString, 'temperatures');
  try {
    return await collect(consumer, { startPosition: earliestEventPosition }, (e) => e.length >= expected, timeoutMs);
  } finally {
    await consumer.close();
  }
}

describe('start', () => {
  it('keeps every event across a restart with dataDir and continues the sequence numbers', async () => {
    const first = await start({ port: 0, dataDir });
    await sendAll(first, 0, 100);
    const before = await readAll(first, 100);
    await first.close();

    const second = await start({ port: 0, dataDir });
    try {
      const after = await readAll(second, 100);
      const key = (c: (typeof after)[number]) => `${c.partitionId}/${c.event.sequenceNumber}/${c.event.offset}/${JSON.stringify(c.event.body)}`;
      expect(after.map(key).sort()).toEqual(before.map(key).sort());
      expect(new Set(after.map((c) => (c.event.body as { n: number }).n)).size).toBe(100);

      await sendAll(second, 100, 110);
      const all = await readAll(second, 110);
      for (const partition of ['0', '1', '2', '3']) {
        const sequence = all.filter((c) => c.partitionId === partition).map((c) => c.event.sequenceNumber);
        expect(sequence).toEqual(sequence.map((_, i) => i));
      }
    } finally {
      await second.close();
    }
  });

  it('drops events older than the retention period', async () => {
    const emulator = await start({ port: 0, retentionMs: 300 });
    try {
      await sendAll(emulator, 0, 10);
      const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures');
      let properties: Awaited<ReturnType<typeof producer.getPartitionProperties>>[] = [];
      try {
        // The retention sweep runs on its own timer: wait for its effect, with a deadline, not for a fixed time.
        await waitUntil(async () => {
          properties = await Promise.all(['0', '1', '2', '3'].map((id) => producer.getPartitionProperties(id)));
          return properties.every((p) => p.isEmpty);
        }, 15_000, 'every partition to be emptied by retention');
      } finally {
        await producer.close();
      }
      expect(properties.reduce((n, p) => n + p.beginningSequenceNumber, 0)).toBe(10);
      expect(properties.reduce((n, p) => n + p.lastEnqueuedSequenceNumber + 1, 0)).toBe(10);
      expect(await readAll(emulator, 1, 500)).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});

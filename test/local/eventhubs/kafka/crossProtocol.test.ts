// Kafka and AMQP on the same hubs, both ways, as on Event Hubs: a Kafka record reaches @azure/event-hubs consumers,
// an AMQP event reaches Kafka consumers, at the same partition and with the Kafka offset equal to the sequence number;
// with a data directory both survive a restart, and so do Kafka consumer groups' committed offsets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import type { EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { waitUntil } from '../../../waitUntil.ts';
import { collect } from '../helpers.ts';
import { HUB, kafkajs, startWithKafka } from './clients.ts';

async function kafkaRead(emulator: RunningEmulator, count: number, groupId = `g-${Math.random()}`): Promise<EachMessagePayload[]> {
  const consumer = kafkajs(emulator).consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
  const got: EachMessagePayload[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: HUB, fromBeginning: true });
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async (payload) => void got.push(payload) });
    await waitUntil(() => got.length >= count, 20_000, `${count} Kafka records`);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('Kafka and AMQP on one hub', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startWithKafka();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('delivers a Kafka record to an AMQP consumer: value as body, headers as binary properties, key as x-opt-kafka-key, offset as sequence number', async () => {
    const producer = kafkajs(emulator).producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: HUB, messages: [{ key: 'boston-ma-usa', value: JSON.stringify({ t: 21.5 }), headers: { v: '1' }, partition: 2, timestamp: '1690000000000' }] });
    await producer.disconnect();

    const consumer = new EventHubConsumerClient('$default', emulator.connectionString, HUB);
    try {
      const [event] = await collect(consumer, { partitionId: '2', startPosition: earliestEventPosition }, (events) => events.length >= 1);
      expect(event?.partitionId).toBe('2');
      expect(event?.event.body).toEqual({ t: 21.5 });
      expect(event?.event.sequenceNumber).toBe(Number(sent?.baseOffset));
      // Binary, as Event Hubs delivers Kafka headers. (The JavaScript client's `properties` copies a Buffer into a plain
      // object of byte values, its convertDatesToNumbers; the raw AMQP message keeps the bytes.)
      expect(event?.event.getRawAmqpMessage().applicationProperties).toEqual({ v: Buffer.from('1') });
      // Event Hubs does not promote the Kafka key to the partition key; AMQP clients find it in x-opt-kafka-key.
      expect(event?.event.partitionKey ?? null).toBeNull();
      expect(event?.event.getRawAmqpMessage().messageAnnotations?.['x-opt-kafka-key']).toEqual(Buffer.from('boston-ma-usa'));
    } finally {
      await consumer.close();
    }
  });

  it('delivers an AMQP event to a Kafka consumer: body as value, properties AMQP-encoded as headers, partition key as a header', async () => {
    const producer = new EventHubProducerClient(emulator.connectionString, HUB);
    const partitionId = '1';
    try {
      await producer.sendBatch([{ body: { city: 'salem' }, properties: { text: 'hello' } }], { partitionId });
      await producer.sendBatch([{ body: { city: 'peabody' } }], { partitionKey: 'peabody-ma-usa' });
    } finally {
      await producer.close();
    }
    const records = await kafkaRead(emulator, 3);
    const salem = records.find((r) => r.message.value?.toString() === '{"city":"salem"}');
    const peabody = records.find((r) => r.message.value?.toString() === '{"city":"peabody"}');
    expect(salem?.partition).toBe(1);
    expect(salem?.message.key).toBeNull();
    expect(salem?.message.headers?.['text']).toEqual(Buffer.from([0xa1, 5, ...Buffer.from('hello')]));
    expect(peabody?.message.headers?.['x-opt-partition-key']).toEqual(Buffer.from([0xa1, 14, ...Buffer.from('peabody-ma-usa')]));

    const consumer = new EventHubConsumerClient('$default', emulator.connectionString, HUB);
    try {
      const events = await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.length >= 3);
      const amqpPeabody = events.find((e) => (e.event.body as { city?: string }).city === 'peabody');
      expect(peabody?.partition).toBe(Number(amqpPeabody?.partitionId));
      expect(peabody?.message.offset).toBe(String(amqpPeabody?.event.sequenceNumber));
    } finally {
      await consumer.close();
    }
  });
});

describe('Kafka with a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafka-persist-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps Kafka-produced records and Kafka consumer groups\' committed offsets across a restart', async () => {
    const first = await startWithKafka({ dataDir });
    try {
      const producer = kafkajs(first).producer();
      await producer.connect();
      await producer.send({ topic: HUB, messages: Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `before-${i}`, partition: i % 4 })) });
      await producer.disconnect();
      expect(await kafkaRead(first, 8, 'durable')).toHaveLength(8);
    } finally {
      await first.close();
    }

    const second = await startWithKafka({ dataDir });
    try {
      const consumer = new EventHubConsumerClient('$default', second.connectionString, HUB);
      try {
        const events = await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.length >= 8);
        expect(events.map((e) => Buffer.from(e.event.body as Uint8Array).toString()).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `before-${i}`));
      } finally {
        await consumer.close();
      }
      const producer = kafkajs(second).producer();
      await producer.connect();
      await producer.send({ topic: HUB, messages: [{ value: 'after', partition: 0 }] });
      await producer.disconnect();
      // The group committed all eight before the restart: it resumes with the one record produced since.
      const resumed = await kafkaRead(second, 1, 'durable');
      expect(resumed.map((r) => [r.partition, r.message.offset, r.message.value?.toString()])).toEqual([[0, '2', 'after']]);
    } finally {
      await second.close();
    }
  });
});

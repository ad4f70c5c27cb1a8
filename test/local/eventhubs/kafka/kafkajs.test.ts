// The emulator's Kafka endpoint with kafkajs 2: produce and consume, keys and partitions, gzip, authentication, and a
// consumer group of two members sharing and handing over partitions with committed offsets.
import { CompressionTypes, type Consumer, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { waitUntil } from '../../../waitUntil.ts';
import { connectionStringFor, HUB, kafkajs, startWithKafka } from './clients.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startWithKafka({
    config: { UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'kafkaNs', Entities: [
      { Name: HUB, PartitionCount: 4, ConsumerGroups: [] },
      { Name: 'groups', PartitionCount: 4, ConsumerGroups: [] },
      { Name: 'other', PartitionCount: 2, ConsumerGroups: [] },
    ] }] } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

interface Received { partition: number; offset: string; key: string | undefined; value: string; headers: Record<string, string>; timestamp: string }

function received({ partition, message }: EachMessagePayload): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
  return { partition, offset: message.offset, key: message.key?.toString(), value: message.value?.toString() ?? '', headers, timestamp: message.timestamp };
}

async function consumeAll(topic: string, count: number, groupId = `g-${Math.random()}`): Promise<Received[]> {
  const consumer = kafkajs(emulator).consumer({ groupId, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
  const got: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async (payload) => void got.push(received(payload)) });
    await waitUntil(() => got.length >= count, 20_000, `${count} records from ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('Kafka endpoint with kafkajs', () => {
  it('round-trips records with keys, headers, timestamps and gzip, at offsets counting from 0 per partition', async () => {
    const producer = kafkajs(emulator).producer();
    await producer.connect();
    const sent = await producer.send({ topic: HUB, messages: [
      { key: 'boston', value: 'one', headers: { source: 'kafka', n: '1' }, timestamp: '1690000000000', partition: 0 },
      { key: null, value: 'two', partition: 0 },
    ] });
    const gzipped = await producer.send({ topic: HUB, compression: CompressionTypes.GZIP, messages: [{ key: 'salem', value: 'three'.repeat(100), partition: 1 }] });
    await producer.disconnect();
    expect(sent).toEqual([expect.objectContaining({ topicName: HUB, partition: 0, errorCode: 0, baseOffset: '0' })]);
    expect(gzipped).toEqual([expect.objectContaining({ partition: 1, errorCode: 0, baseOffset: '0' })]);

    const got = await consumeAll(HUB, 3);
    const byValue = new Map(got.map((r) => [r.value, r]));
    expect(byValue.get('one')).toEqual({ partition: 0, offset: '0', key: 'boston', value: 'one', headers: { source: 'kafka', n: '1' }, timestamp: '1690000000000' });
    expect(byValue.get('two')).toMatchObject({ partition: 0, offset: '1', key: undefined, headers: {} });
    expect(byValue.get('three'.repeat(100))).toMatchObject({ partition: 1, offset: '0', key: 'salem' });
  });

  it('keeps every record of a key on the partition the producer chose, in order', async () => {
    const producer = kafkajs(emulator).producer();
    await producer.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `city-${i}`);
    const results = await producer.send({ topic: 'other', messages: keys.flatMap((key) => [1, 2, 3].map((n) => ({ key, value: `${key}#${n}` }))) });
    await producer.disconnect();
    expect(results.map((r) => r.errorCode)).toEqual(results.map(() => 0));

    const got = await consumeAll('other', 36);
    for (const key of keys) {
      const mine = got.filter((r) => r.key === key);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.map((r) => r.value)).toEqual([`${key}#1`, `${key}#2`, `${key}#3`]);
    }
    expect(new Set(got.map((r) => r.partition))).toEqual(new Set([0, 1]));
  });

  it('refuses a wrong key with SASL_AUTHENTICATION_FAILED, and a hub outside an EntityPath-scoped connection string', async () => {
    const wrong = kafkajs(emulator, { password: connectionStringFor(emulator, 'wrong-key'), retry: { retries: 0 } }).producer();
    await expect(wrong.connect()).rejects.toThrow(/SASL_AUTHENTICATION_FAILED|Invalid SASL\/PLAIN authentication/);

    const scoped = kafkajs(emulator, { password: `${emulator.connectionString}EntityPath=other`, retry: { retries: 0 } }).producer();
    await scoped.connect();
    try {
      await expect(scoped.send({ topic: 'other', messages: [{ value: 'allowed' }] })).resolves.toHaveLength(1);
      await expect(scoped.send({ topic: HUB, messages: [{ value: 'refused' }] })).rejects.toThrow(/authoriz/i);
    } finally {
      await scoped.disconnect();
    }
  });

  it('shares partitions between two members of a group, hands them over when one leaves, and resumes from committed offsets', async () => {
    const topic = 'groups';
    const producer = kafkajs(emulator).producer();
    await producer.connect();
    const send = (round: string) => producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ value: `${round}-${i}`, partition: i % 4 })) });
    const seen: Array<{ member: string; partition: number; value: string }> = [];
    const assignments = new Map<string, number[]>();
    const member = async (name: string): Promise<Consumer> => {
      const consumer = kafkajs(emulator, { clientId: name }).consumer({ groupId: 'shared', maxWaitTimeInMs: 200, heartbeatInterval: 300, sessionTimeout: 10_000 });
      consumer.on(consumer.events.GROUP_JOIN, (event) => assignments.set(name, [...(event.payload.memberAssignment[topic] ?? [])].sort()));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommitThreshold: 1, eachMessage: async ({ partition, message }) => void seen.push({ member: name, partition, value: message.value?.toString() ?? '' }) });
      return consumer;
    };
    const count = (prefix: string) => seen.filter((s) => s.value.startsWith(`${prefix}-`)).length;
    try {
      await send('a');
      const a = await member('a');
      await waitUntil(() => count('a') === 40, 20_000, 'member a alone to read round a');

      const b = await member('b');
      await waitUntil(() => (assignments.get('a')?.length ?? 0) === 2 && (assignments.get('b')?.length ?? 0) === 2, 30_000, 'both members to hold two partitions');
      expect([...(assignments.get('a') ?? []), ...(assignments.get('b') ?? [])].sort()).toEqual([0, 1, 2, 3]);
      await send('b');
      await waitUntil(() => count('b') === 40, 20_000, 'round b');
      for (const s of seen.filter((x) => x.value.startsWith('b-'))) expect(assignments.get(s.member)).toContain(s.partition);

      await a.disconnect();
      await waitUntil(() => (assignments.get('b')?.length ?? 0) === 4, 30_000, 'member b to take over all partitions');
      await send('c');
      await waitUntil(() => count('c') === 40, 20_000, 'round c');
      expect(seen.filter((s) => s.value.startsWith('c-')).every((s) => s.member === 'b')).toBe(true);
      await b.disconnect();
      // Committed offsets: each record was read exactly once across the handovers.
      expect(seen).toHaveLength(120);
      expect(new Set(seen.map((s) => s.value)).size).toBe(120);
    } finally {
      await producer.disconnect();
    }
  }, 90_000);
});

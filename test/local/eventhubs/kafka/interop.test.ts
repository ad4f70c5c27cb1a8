import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { amqpToRecord, recordToAmqp } from '../../../../local/eventhubs/kafka/interop.ts';
import type { KafkaRecord } from '../../../../local/eventhubs/kafka/recordBatch.ts';
import { eventsOf } from '../../../../local/eventhubs/eventChunks.ts';
import { buildDeliveries, parseEvent } from '../../../../local/eventhubs/messageCodec.ts';

/** Stores an encoded AMQP message the way a partition log does, and returns what it would deliver. */
function stored(message: Buffer, envelopeKey?: string) {
  return eventsOf(buildDeliveries([parseEvent(message)], envelopeKey, { sequenceNumber: 5, offset: 0, enqueuedTimeMs: 1_700_000_000_000 }))[0]!;
}

describe('recordToAmqp', () => {
  it('stores the value as the body, headers as binary application properties, the key as x-opt-kafka-key and the timestamp as creation-time', () => {
    const record: KafkaRecord = { key: Buffer.from('city-1'), value: Buffer.from('{"a":1}'), headers: [{ key: 'v', value: Buffer.from([0, 0, 0, 1]) }], timestamp: 1_690_000_000_123 };
    const message = rhea.message.decode(stored(recordToAmqp(record)).wire) as unknown as Record<string, unknown>;
    expect(Buffer.from((message['body'] as { content: Buffer }).content).toString()).toBe('{"a":1}');
    expect(message['application_properties']).toEqual({ v: Buffer.from([0, 0, 0, 1]) });
    expect(Buffer.from((message['message_annotations'] as Record<string, Buffer>)['x-opt-kafka-key']!).toString()).toBe('city-1');
    expect((message['message_annotations'] as Record<string, unknown>)['x-opt-partition-key']).toBeUndefined();
    expect((message['creation_time'] as Date).getTime()).toBe(1_690_000_000_123);
  });

  it('keeps the last value of a repeated header (an AMQP map holds each key once)', () => {
    const record: KafkaRecord = { key: null, value: Buffer.from('x'), headers: [{ key: 'h', value: Buffer.from('1') }, { key: 'h', value: Buffer.from('2') }], timestamp: 0 };
    expect(amqpToRecord(stored(recordToAmqp(record))).headers).toEqual([{ key: 'h', value: Buffer.from('2') }]);
  });
});

describe('amqpToRecord', () => {
  it('gives a Kafka record back exactly as it was produced: key, value, null values, headers, timestamp', () => {
    const records: KafkaRecord[] = [
      { key: Buffer.from([0xff, 0x00, 0x80]), value: Buffer.alloc(1000, 3), headers: [{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: null }], timestamp: 1_600_000_000_000 },
      { key: null, value: null, headers: [], timestamp: 1_600_000_000_001 },
      { key: Buffer.alloc(0), value: Buffer.alloc(0), headers: [], timestamp: 1_600_000_000_002 },
    ];
    for (const record of records) expect(amqpToRecord(stored(recordToAmqp(record)))).toEqual(record);
  });

  it('serves an AMQP event as Event Hubs does: body as value, no key, properties AMQP-encoded, partition key as a header, enqueued time', () => {
    const message = rhea.message.encode({
      body: rhea.message.data_section(Buffer.from('{"t":1}')),
      application_properties: { text: 'hello', n: rhea.types.wrap_int(1234), raw: Buffer.from([9]) },
      message_annotations: { 'x-opt-partition-key': 'boston' },
    } as never);
    const record = amqpToRecord(stored(message));
    expect(record.key).toBeNull();
    expect(record.value?.toString()).toBe('{"t":1}');
    expect(record.timestamp).toBe(1_700_000_000_000);
    const header = (name: string) => record.headers.find((h) => h.key === name)?.value;
    expect(header('text')).toEqual(Buffer.from([0xa1, 5, ...Buffer.from('hello')]));
    expect(header('n')).toEqual(Buffer.from([0x71, 0, 0, 0x04, 0xd2]));
    expect(header('raw')).toEqual(Buffer.from([9]));
    expect(header('x-opt-partition-key')).toEqual(Buffer.from([0xa1, 6, ...Buffer.from('boston')]));
  });

  it('serves an amqp-value body as its AMQP encoding and a body-less event as a null value', () => {
    expect(amqpToRecord(stored(rhea.message.encode({ body: 'text' } as never))).value).toEqual(Buffer.from([0xa1, 4, ...Buffer.from('text')]));
    expect(amqpToRecord(stored(rhea.message.encode({ application_properties: { a: 1 } } as never))).value).toBeNull();
  });
});

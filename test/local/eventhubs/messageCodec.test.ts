import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../../local/eventhubs/eventChunks.ts';
import { BATCH_FORMAT, MalformedMessageError, buildDeliveries, parseEvent, splitTransfer, withRuntimeMetrics } from '../../../local/eventhubs/messageCodec.ts';

const event = (n: number, extra: object = {}) =>
  rhea.message.encode({ body: rhea.message.data_section(Buffer.from(`{"n":${n}}`)), application_properties: { n }, ...extra });

function batch(events: Buffer[], annotations?: Record<string, unknown>): Buffer {
  return rhea.message.encode({ body: rhea.message.data_sections(events), ...(annotations ? { message_annotations: annotations } : {}) });
}

interface Typed { value: unknown; descriptor?: Typed }
const Reader = (rhea.types as unknown as { Reader: new (buffer: Buffer) => { read(): Typed; position: number } }).Reader;

/** The keys of each section's map, in wire order, as rhea's reader sees them (duplicates kept). */
function mapKeys(wire: Buffer): Map<number, string[]> {
  const reader = new Reader(wire);
  const keys = new Map<number, string[]>();
  while (reader.position < wire.length) {
    const section = reader.read();
    const entries = section.value;
    if (Array.isArray(entries) && [0x71, 0x72].includes(section.descriptor?.value as number)) {
      keys.set(section.descriptor?.value as number, entries.filter((_, i) => i % 2 === 0).map((k: Typed) => String(k.value)));
    }
  }
  return keys;
}

/**
 * The map32 size and count fields of the annotations section that sits between `before` and `after` bytes of the wire,
 * with what they must be (spec 1.6.24: the size counts every byte after the size field, the count counts keys and values).
 */
function mapHead(wire: Buffer, before: number, after: number) {
  const section = wire.subarray(before, wire.length - after);
  return { constructor: section.subarray(0, 4).toString('hex'), size: section.readUInt32BE(4), bytesAfterSize: section.length - 8, count: section.readUInt32BE(8) };
}

const symbol = (text: string) => Buffer.concat([Buffer.from([0xa3, text.length]), Buffer.from(text, 'latin1')]);
const vbin8 = (bytes: Buffer) => Buffer.concat([Buffer.from([0xa0, bytes.length]), bytes]);

describe('splitTransfer', () => {
  it('returns each encoded event of a batch byte for byte, with the envelope partition key', () => {
    const events = [event(1), event(2), event(3)];
    const split = splitTransfer(batch(events, { 'x-opt-partition-key': 'city-9' }), BATCH_FORMAT);
    expect(split.partitionKey).toBe('city-9');
    expect(split.events.map((e) => e.toString('hex'))).toEqual(events.map((e) => e.toString('hex')));
  });

  it('reads data sections whose descriptors are symbols or full ulongs', () => {
    const [a, b] = [event(1), event(2)];
    const payload = Buffer.concat([
      Buffer.from([0x00]), symbol('amqp:data:binary'), vbin8(a),
      Buffer.from([0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x75]), vbin8(b),
    ]);
    expect(splitTransfer(payload, BATCH_FORMAT).events).toEqual([a, b]);
  });

  it('treats any other format as one event', () => {
    const single = event(5, { message_annotations: { 'x-opt-partition-key': 'k' } });
    expect(splitTransfer(single, 0)).toEqual({ events: [single], partitionKey: 'k' });
  });

  it.each([
    ['is cut short', batch([event(1), event(2)]).subarray(0, -3)],
    ['has an unknown type code', Buffer.from([0x00, 0x53, 0x75, 0x4f])],
    ['has annotations that are not a map', Buffer.concat([Buffer.from([0x00, 0x53, 0x72, 0x45]), Buffer.from([0x00, 0x53, 0x75]), vbin8(event(1))])],
    ['holds bytes that are not a section (it was accepted, storing nothing)', Buffer.from([0xa1, 0x07, ...Buffer.from('garbage')])],
  ])('throws MalformedMessageError for a batch that %s', (_why, payload) => {
    expect(() => splitTransfer(payload, BATCH_FORMAT)).toThrow(MalformedMessageError);
  });

  it('says what is wrong with a batch holding something that is not a section', () => {
    expect(() => splitTransfer(Buffer.from([0xa1, 0x01, 0x78]), BATCH_FORMAT)).toThrow('the batch holds something that is not a message section');
  });
});

describe('parseEvent', () => {
  it('keeps the header, the producer\'s own annotations and every later section, and drops its delivery annotations', () => {
    const raw = rhea.message.encode({
      durable: true,
      delivery_annotations: { hop: 1 },
      message_annotations: { 'x-opt-partition-key': 'p', custom: 'c', 'x-opt-offset': '5', 'x-opt-sequence-number': 9, 'x-opt-enqueued-time': new Date(0) },
      message_id: 'm',
      body: rhea.message.data_section(Buffer.from('x')),
    });
    const parsed = parseEvent(raw);
    expect(rhea.message.decode(parsed.header)).toMatchObject({ durable: true });
    expect(parsed.partitionKey).toBe('p');
    expect(parsed.annotationPairs.map((pair) => rhea.message.decode(Buffer.concat([Buffer.from([0x00, 0x53, 0x72, 0xc1, pair.length + 1, 2]), pair])).message_annotations))
      .toEqual([{ 'x-opt-partition-key': 'p' }, { custom: 'c' }]);
    const rest = rhea.message.decode(parsed.rest);
    expect(rest.message_id).toBe('m');
    expect(rest.delivery_annotations).toBeUndefined();
    expect(rest.message_annotations).toBeUndefined();
  });
});

describe('buildDeliveries', () => {
  const first = { sequenceNumber: 7, offset: 100, enqueuedTimeMs: Date.UTC(2026, 0, 2, 3, 4, 5) };

  it('keeps every section the producer wrote and adds typed broker annotations, replacing forged ones', () => {
    const raw = event(1, {
      durable: true,
      message_id: 'm-1',
      message_annotations: { 'x-opt-partition-key': 'city-1', custom: 'kept', 'x-opt-sequence-number': 99 },
    });
    const [delivered] = eventsOf(buildDeliveries([parseEvent(raw)], 'envelope-key', first));
    const decoded = rhea.message.decode(delivered?.wire as Buffer);
    expect(decoded.durable).toBe(true);
    expect(decoded.message_id).toBe('m-1');
    expect(decoded.application_properties).toEqual({ n: 1 });
    expect((decoded.body as { content: Buffer }).content.toString()).toBe('{"n":1}');
    expect(decoded.message_annotations).toEqual({
      'x-opt-partition-key': 'city-1',
      custom: 'kept',
      'x-opt-sequence-number': 7,
      'x-opt-offset': '100',
      'x-opt-enqueued-time': new Date(first.enqueuedTimeMs),
    });
    expect(delivered).toMatchObject({ sequenceNumber: 7, offset: 100, partitionKey: 'city-1' });
  });

  it('writes each broker annotation once, a producer\'s forged copies and its delivery annotations dropped', () => {
    const raw = event(1, {
      delivery_annotations: { hop: 1 },
      message_annotations: { 'x-opt-offset': '1', 'x-opt-sequence-number': 99, 'x-opt-enqueued-time': new Date(0), custom: 'kept' },
    });
    const [delivered] = eventsOf(buildDeliveries([parseEvent(raw)], undefined, first));
    const keys = mapKeys(delivered?.wire as Buffer);
    expect(keys.get(0x72)).toEqual(['custom', 'x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time']);
    expect(keys.has(0x71)).toBe(false);
  });

  it('writes the annotations map\'s size and count fields as the bytes and entries that follow', () => {
    const events = [
      parseEvent(event(1, { durable: true, message_annotations: { custom: 'x'.repeat(40) } })),
      parseEvent(event(2, { message_annotations: { 'x-opt-partition-key': 'own' } })),
      parseEvent(event(3)),
    ];
    const delivered = eventsOf(buildDeliveries(events, 'envelope', first));
    for (const [i, d] of delivered.entries()) {
      const parsed = events[i] as (typeof events)[number];
      const head = mapHead(d.wire, parsed.header.length, parsed.rest.length);
      expect(head.constructor).toBe('005372d1');
      expect(head.size, `event ${i}`).toBe(head.bytesAfterSize);
      expect(head.count).toBe([10, 8, 8][i]); // custom + 3 broker + envelope key; own key + 3; 3 + envelope key
      expect(parseEvent(d.wire).rest).toEqual(parsed.rest);
    }
  });

  it('gives events with their own partition key no envelope key, offsets staying the byte positions of what is delivered', () => {
    const own = [1, 2, 3].map((n) => parseEvent(event(n, { message_annotations: { 'x-opt-partition-key': `own-${n}` } })));
    const delivered = eventsOf(buildDeliveries(own, 'envelope-key', first));
    expect(delivered.map((d) => d.partitionKey)).toEqual(['own-1', 'own-2', 'own-3']);
    for (const [i, d] of delivered.entries()) {
      expect(d.offset).toBe(i === 0 ? first.offset : (delivered[i - 1]?.offset ?? 0) + (delivered[i - 1]?.wire.length ?? 0));
      expect(mapKeys(d.wire).get(0x72)).toEqual(['x-opt-partition-key', 'x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time']);
    }
  });

  it('numbers a batch consecutively, offsets being byte positions, and adds the envelope key to events without one', () => {
    const delivered = eventsOf(buildDeliveries([1, 2, 3].map((n) => parseEvent(event(n))), 'city-2', first));
    expect(delivered.map((d) => d.sequenceNumber)).toEqual([7, 8, 9]);
    expect(delivered[1]?.offset).toBe(100 + (delivered[0]?.wire.length ?? 0));
    expect(delivered[2]?.offset).toBe((delivered[1]?.offset ?? 0) + (delivered[1]?.wire.length ?? 0));
    for (const [i, d] of delivered.entries()) {
      const annotations = rhea.message.decode(d.wire).message_annotations as Record<string, unknown>;
      expect(annotations).toEqual({ 'x-opt-sequence-number': 7 + i, 'x-opt-offset': String(d.offset), 'x-opt-enqueued-time': new Date(first.enqueuedTimeMs), 'x-opt-partition-key': 'city-2' });
      expect(d.partitionKey).toBe('city-2');
    }
  });

  it('encodes sequence numbers and times beyond 32 bits as longs and timestamps', () => {
    const [d] = eventsOf(buildDeliveries([parseEvent(event(1))], undefined, { sequenceNumber: 2 ** 40 + 3, offset: 2 ** 35, enqueuedTimeMs: 4_102_444_800_000 }));
    const annotations = rhea.message.decode(d?.wire as Buffer).message_annotations as Record<string, unknown>;
    expect(annotations).toEqual({ 'x-opt-sequence-number': 2 ** 40 + 3, 'x-opt-offset': String(2 ** 35), 'x-opt-enqueued-time': new Date(4_102_444_800_000) });
  });
});

describe('withRuntimeMetrics', () => {
  it('adds the last-enqueued delivery annotations after the header', () => {
    const [d] = eventsOf(buildDeliveries([parseEvent(event(1, { durable: true }))], undefined, { sequenceNumber: 0, offset: 0, enqueuedTimeMs: 1_000 }));
    const wire = withRuntimeMetrics(d?.wire as Buffer, d?.headerLength ?? 0, { lastSequenceNumber: 41, lastOffset: 5_000, lastEnqueuedTimeMs: 2_000 }, 3_000);
    const decoded = rhea.message.decode(wire);
    expect(decoded.durable).toBe(true);
    expect(decoded.delivery_annotations).toEqual({
      last_enqueued_offset: '5000',
      last_enqueued_sequence_number: 41,
      last_enqueued_time_utc: new Date(2_000),
      runtime_info_retrieval_time_utc: new Date(3_000),
    });
    expect(decoded.application_properties).toEqual({ n: 1 });
  });

  it('writes the delivery annotations map\'s size and count fields as the bytes and entries that follow', () => {
    const [d] = eventsOf(buildDeliveries([parseEvent(event(1, { durable: true }))], undefined, { sequenceNumber: 0, offset: 0, enqueuedTimeMs: 1_000 }));
    const wire = withRuntimeMetrics(d?.wire as Buffer, d?.headerLength ?? 0, { lastSequenceNumber: 41, lastOffset: 5_000, lastEnqueuedTimeMs: 2_000 }, 3_000);
    const head = mapHead(wire, d?.headerLength ?? 0, (d?.wire.length ?? 0) - (d?.headerLength ?? 0));
    expect(head.constructor).toBe('005371d1');
    expect(head.size).toBe(head.bytesAfterSize);
    expect(head.count).toBe(8);
  });
});

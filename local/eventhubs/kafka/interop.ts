// Kafka records and AMQP events are one log, mapped as Event Hubs maps them ("Exchange events between consumers and
// producers that use different protocols" in the Event Hubs docs, and the service team's answer in
// Azure/azure-sdk-for-python#18460):
// - the value is the body (a data section) and the body is the value, byte for byte;
// - headers become application properties with binary values; application properties reach Kafka consumers as
//   headers holding their AMQP encoding, type constructor included (what AmqpDeserializer reads). Binary properties
//   (which is what a Kafka producer's headers are) go back as their raw bytes, so Kafka headers round-trip;
// - the Kafka key is NOT promoted to the partition key (nor the reverse): it travels as the `x-opt-kafka-key`
//   message annotation (binary), and an AMQP event's partition key reaches Kafka consumers as the header
//   `x-opt-partition-key` (AMQP-encoded string);
// - the record's timestamp travels as the AMQP properties' creation-time; an AMQP event without one shows its
//   enqueued time.
import { SECTION, encodeSymbol } from '../amqpBytes.ts';
import { binaryAt, mapPairs, scanSections, skipValue, stringAt } from '../amqpScan.ts';
import type { StoredEvent } from '../diskLog.ts';
import type { KafkaHeader, KafkaRecord } from './recordBatch.ts';

export const KAFKA_KEY = 'x-opt-kafka-key';
export const PARTITION_KEY_HEADER = 'x-opt-partition-key';

const KAFKA_KEY_SYMBOL = encodeSymbol(KAFKA_KEY);
const CREATION_TIME_INDEX = 9;

function sectionHead(code: number): Buffer {
  return Buffer.from([0x00, 0x53, code]);
}

function binary(value: Buffer): Buffer {
  if (value.length < 256) return Buffer.concat([Buffer.from([0xa0, value.length]), value]);
  const head = Buffer.alloc(5);
  head[0] = 0xb0;
  head.writeUInt32BE(value.length, 1);
  return Buffer.concat([head, value]);
}

function string(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < 256) return Buffer.concat([Buffer.from([0xa1, bytes.length]), bytes]);
  const head = Buffer.alloc(5);
  head[0] = 0xb1;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

/** A map32 of already encoded keys and values. */
function map(entries: Buffer[]): Buffer {
  const size = entries.reduce((sum, e) => sum + e.length, 0);
  const head = Buffer.alloc(9);
  head[0] = 0xd1;
  head.writeUInt32BE(size + 4, 1);
  head.writeUInt32BE(entries.length, 5);
  return Buffer.concat([head, ...entries]);
}

/** The properties section with only creation-time set (a list of ten fields, nine of them null). */
function propertiesWithCreationTime(timestamp: number): Buffer {
  const list = Buffer.alloc(2 + 1 + 9 + 9, 0x40);
  list[0] = 0xc0;
  list[1] = 1 + 9 + 9;
  list[2] = CREATION_TIME_INDEX + 1;
  list[12] = 0x83;
  const high = Math.floor(timestamp / 2 ** 32);
  list.writeInt32BE(high, 13);
  list.writeUInt32BE(timestamp - high * 2 ** 32, 17);
  return Buffer.concat([sectionHead(SECTION.properties), list]);
}

/** The AMQP message a Kafka record is stored as. */
export function recordToAmqp(record: KafkaRecord): Buffer {
  const sections: Buffer[] = [];
  if (record.key !== null) sections.push(sectionHead(SECTION.messageAnnotations), map([KAFKA_KEY_SYMBOL, binary(record.key)]));
  sections.push(propertiesWithCreationTime(record.timestamp));
  if (record.headers.length > 0) {
    // An AMQP map holds each key once; Kafka's convention (lastHeader) makes the last value the one that counts.
    const last = new Map<string, Buffer | null>();
    for (const header of record.headers) last.set(header.key, header.value);
    const entries: Buffer[] = [];
    for (const [key, value] of last) entries.push(string(key), value === null ? Buffer.from([0x40]) : binary(value));
    sections.push(sectionHead(SECTION.applicationProperties), map(entries));
  }
  if (record.value !== null) sections.push(sectionHead(SECTION.data), binary(record.value));
  return Buffer.concat(sections);
}

function creationTime(wire: Buffer, listStart: number): number | undefined {
  const code = wire[listStart];
  if (code !== 0xc0 && code !== 0xd0) return undefined;
  const wide = code === 0xd0;
  const count = wide ? wire.readUInt32BE(listStart + 5) : (wire[listStart + 2] as number);
  if (count <= CREATION_TIME_INDEX) return undefined;
  let at = listStart + (wide ? 9 : 3);
  for (let i = 0; i < CREATION_TIME_INDEX; i++) at = skipValue(wire, at);
  return wire[at] === 0x83 ? wire.readInt32BE(at + 1) * 2 ** 32 + wire.readUInt32BE(at + 5) : undefined;
}

/** The Kafka record a stored event is served as. */
export function amqpToRecord(event: StoredEvent): KafkaRecord {
  const { wire } = event;
  let key: Buffer | null = null;
  let timestamp: number | undefined;
  const headers: KafkaHeader[] = [];
  const body: Buffer[] = [];
  let hasBody = false;
  for (const section of scanSections(wire)) {
    if (section.code === SECTION.messageAnnotations) {
      for (const pair of mapPairs(wire, section.valueStart)) {
        if (pair.key === KAFKA_KEY) key = binaryAt(wire, pair.valueStart, pair.end) ?? key;
        else if (pair.key === PARTITION_KEY_HEADER) headers.push({ key: PARTITION_KEY_HEADER, value: wire.subarray(pair.valueStart, pair.end) });
      }
    } else if (section.code === SECTION.properties) {
      timestamp = creationTime(wire, section.valueStart);
    } else if (section.code === SECTION.applicationProperties) {
      for (const pair of mapPairs(wire, section.valueStart)) {
        const name = pair.key ?? stringAt(wire, pair.start, pair.valueStart);
        if (name === undefined) continue;
        const value = wire[pair.valueStart] === 0x40 ? null : (binaryAt(wire, pair.valueStart, pair.end) ?? wire.subarray(pair.valueStart, pair.end));
        headers.push({ key: name, value });
      }
    } else if (section.code === SECTION.data) {
      hasBody = true;
      body.push(binaryAt(wire, section.valueStart, section.end) ?? Buffer.alloc(0));
    } else if (section.code === SECTION.value && wire[section.valueStart] === 0x40) {
      // An amqp-value null is how AMQP libraries write a message without a body: Kafka's null value.
    } else if (section.code === SECTION.value || section.code === SECTION.sequence) {
      hasBody = true;
      body.push(wire.subarray(section.valueStart, section.end));
    }
  }
  const value = !hasBody ? null : body.length === 1 ? (body[0] as Buffer) : Buffer.concat(body);
  return { key, value, headers, timestamp: timestamp ?? event.enqueuedTimeMs };
}

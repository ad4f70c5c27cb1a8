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

const SECTION_HEAD = 3;
const CREATION_TIME_LIST = 2 + 1 + 9 + 9;

/** Size of a binary (vbin8/vbin32) or string (str8/str32) value of `length` bytes. */
const variableSize = (length: number) => (length < 256 ? 2 : 5) + length;

function writeVariable(target: Buffer, at: number, bytes: Buffer, shortCode: number, longCode: number): number {
  if (bytes.length < 256) {
    target[at] = shortCode;
    target[at + 1] = bytes.length;
    at += 2;
  } else {
    target[at] = longCode;
    target.writeUInt32BE(bytes.length, at + 1);
    at += 5;
  }
  return at + bytes.copy(target, at);
}

function writeSectionHead(target: Buffer, at: number, code: number): number {
  target[at] = 0x00;
  target[at + 1] = 0x53;
  target[at + 2] = code;
  return at + SECTION_HEAD;
}

/** A map32 header for `count` keys and values taking `size` bytes. */
function writeMapHead(target: Buffer, at: number, size: number, count: number): number {
  target[at] = 0xd1;
  target.writeUInt32BE(size + 4, at + 1);
  target.writeUInt32BE(count, at + 5);
  return at + 9;
}

/**
 * The AMQP message a Kafka record is stored as, written into one buffer: message annotations with the key (when
 * there is one), properties with only creation-time set (a list of ten fields, nine null), application properties
 * (when there are headers), and the value as a data section (when it is not null).
 */
export function recordToAmqp(record: KafkaRecord): Buffer {
  // An AMQP map holds each key once; Kafka's convention (lastHeader) makes the last value the one that counts.
  const headers = new Map<string, Buffer | null>();
  for (const header of record.headers) headers.set(header.key, header.value);
  const headerKeys = [...headers.keys()].map((key) => Buffer.from(key, 'utf8'));
  let headerBytes = 0;
  for (const [i, value] of [...headers.values()].entries()) headerBytes += variableSize((headerKeys[i] as Buffer).length) + (value === null ? 1 : variableSize(value.length));
  const keyBytes = record.key === null ? 0 : KAFKA_KEY_SYMBOL.length + variableSize(record.key.length);
  const size = (keyBytes > 0 ? SECTION_HEAD + 9 + keyBytes : 0) + SECTION_HEAD + CREATION_TIME_LIST +
    (headers.size > 0 ? SECTION_HEAD + 9 + headerBytes : 0) + (record.value === null ? 0 : SECTION_HEAD + variableSize(record.value.length));
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  if (record.key !== null) {
    at = writeMapHead(out, writeSectionHead(out, at, SECTION.messageAnnotations), keyBytes, 2);
    at += KAFKA_KEY_SYMBOL.copy(out, at);
    at = writeVariable(out, at, record.key, 0xa0, 0xb0);
  }
  at = writeSectionHead(out, at, SECTION.properties);
  out[at] = 0xc0;
  out[at + 1] = 1 + 9 + 9;
  out[at + 2] = CREATION_TIME_INDEX + 1;
  out.fill(0x40, at + 3, at + 12);
  out[at + 12] = 0x83;
  const high = Math.floor(record.timestamp / 2 ** 32);
  out.writeInt32BE(high, at + 13);
  out.writeUInt32BE(record.timestamp - high * 2 ** 32, at + 17);
  at += CREATION_TIME_LIST;
  if (headers.size > 0) {
    at = writeMapHead(out, writeSectionHead(out, at, SECTION.applicationProperties), headerBytes, headers.size * 2);
    for (const [i, value] of [...headers.values()].entries()) {
      at = writeVariable(out, at, headerKeys[i] as Buffer, 0xa1, 0xb1);
      if (value === null) out[at++] = 0x40;
      else at = writeVariable(out, at, value, 0xa0, 0xb0);
    }
  }
  if (record.value !== null) writeVariable(out, writeSectionHead(out, at, SECTION.data), record.value, 0xa0, 0xb0);
  return out;
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

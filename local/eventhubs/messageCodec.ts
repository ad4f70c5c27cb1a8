// Splits what the client sends into events and builds what the emulator delivers, working on encoded bytes so that
// every section the producer wrote (properties, application properties, body, its own annotations) reaches the
// consumer byte for byte, with only the broker's annotations added.
import rhea from 'rhea';
import { SECTION, encodeLong, encodeString, encodeSymbol, encodeTimestamp, mapSection, sectionCode } from './amqpBytes.ts';

/** The message format of a batch: an envelope whose data sections are each one encoded event. */
export const BATCH_FORMAT = 0x80013700;

/** The part of rhea's (untyped) decoder this module uses. */
interface AmqpReader {
  position: number;
  remaining(): number;
  read(): { value: unknown; descriptor?: unknown };
  read_typecode(): number;
  read_size_count(width: number): { size: number; count: number };
}
const Reader = (rhea.types as unknown as { Reader: new (buffer: Buffer) => AmqpReader }).Reader;

const PARTITION_KEY = 'x-opt-partition-key';
/** Annotations only the broker may set; copies coming from a producer (say, a forwarded event) are dropped. */
const BROKER_KEYS = new Set(['x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time']);

export interface ParsedEvent {
  header: Buffer;
  /** The producer's own message annotations, each pair still encoded. */
  annotationPairs: Buffer[];
  partitionKey: string | undefined;
  /** Every section after the annotations (properties, application properties, body, footer). */
  rest: Buffer;
}

export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

interface RawSection { code: number | undefined; start: number; end: number; value: unknown }

function sections(payload: Buffer): RawSection[] {
  const reader = new Reader(payload);
  const found: RawSection[] = [];
  try {
    while (reader.remaining() > 0) {
      const start = reader.position;
      const typed = reader.read();
      const code = sectionCode((typed.descriptor as { value?: unknown } | undefined)?.value);
      found.push({ code, start, end: reader.position, value: typed.value });
    }
  } catch (error) {
    throw new MalformedMessageError(`cannot decode message: ${error instanceof Error ? error.message : String(error)}`);
  }
  return found;
}

/** The events in one transfer, and the envelope's partition key. */
export function splitTransfer(payload: Buffer, format: number): { events: Buffer[]; partitionKey: string | undefined } {
  if (format !== BATCH_FORMAT) {
    return { events: [payload], partitionKey: parseEvent(payload).partitionKey };
  }
  const events: Buffer[] = [];
  let partitionKey: string | undefined;
  for (const section of sections(payload)) {
    if (section.code === SECTION.data && Buffer.isBuffer(section.value)) events.push(section.value);
    if (section.code === SECTION.messageAnnotations) {
      partitionKey = readAnnotations(payload.subarray(section.start, section.end)).partitionKey;
    }
  }
  return { events, partitionKey };
}

export function parseEvent(raw: Buffer): ParsedEvent {
  let header: Buffer = Buffer.alloc(0);
  let annotationPairs: Buffer[] = [];
  let partitionKey: string | undefined;
  let restStart = raw.length;
  for (const section of sections(raw)) {
    if (section.code === SECTION.header) header = raw.subarray(section.start, section.end);
    else if (section.code === SECTION.messageAnnotations) {
      ({ pairs: annotationPairs, partitionKey } = readAnnotations(raw.subarray(section.start, section.end)));
    } else if (section.code !== SECTION.deliveryAnnotations) {
      restStart = Math.min(restStart, section.start);
    }
  }
  return { header, annotationPairs, partitionKey, rest: raw.subarray(restStart) };
}

function readAnnotations(section: Buffer): { pairs: Buffer[]; partitionKey: string | undefined } {
  const reader = new Reader(section);
  reader.read_typecode(); // 0x00: described
  reader.read(); // descriptor
  const code = reader.read_typecode();
  if (code === 0x40) return { pairs: [], partitionKey: undefined }; // null map
  if (code !== 0xc1 && code !== 0xd1) throw new MalformedMessageError(`message annotations are not a map (0x${code.toString(16)})`);
  const { count } = reader.read_size_count(code === 0xc1 ? 1 : 4);
  const pairs: Buffer[] = [];
  let partitionKey: string | undefined;
  for (let i = 0; i < count / 2; i++) {
    const start = reader.position;
    const key: unknown = reader.read().value;
    const value: unknown = reader.read().value;
    if (key === PARTITION_KEY && typeof value === 'string') partitionKey = value;
    if (typeof key === 'string' && BROKER_KEYS.has(key)) continue;
    pairs.push(section.subarray(start, reader.position));
  }
  return { pairs, partitionKey };
}

const KEYS = {
  sequenceNumber: encodeSymbol('x-opt-sequence-number'),
  offset: encodeSymbol('x-opt-offset'),
  enqueuedTime: encodeSymbol('x-opt-enqueued-time'),
  partitionKey: encodeSymbol(PARTITION_KEY),
  lastOffset: encodeSymbol('last_enqueued_offset'),
  lastSequenceNumber: encodeSymbol('last_enqueued_sequence_number'),
  lastEnqueuedTime: encodeSymbol('last_enqueued_time_utc'),
  retrievalTime: encodeSymbol('runtime_info_retrieval_time_utc'),
};

export interface BrokerStamp {
  sequenceNumber: number;
  offset: number;
  enqueuedTimeMs: number;
  /** Added only when the event's own annotations lack one (the key came on the envelope). */
  partitionKey: string | undefined;
}

/** The bytes delivered to consumers, and where the header ends (delivery annotations go right after it). */
export function buildDelivery(event: ParsedEvent, stamp: BrokerStamp): { wire: Buffer; headerLength: number } {
  const pairs = [
    ...event.annotationPairs,
    KEYS.sequenceNumber, encodeLong(stamp.sequenceNumber),
    KEYS.offset, encodeString(String(stamp.offset)),
    KEYS.enqueuedTime, encodeTimestamp(stamp.enqueuedTimeMs),
  ];
  let count = event.annotationPairs.length * 2 + 6;
  if (event.partitionKey === undefined && stamp.partitionKey !== undefined) {
    pairs.push(KEYS.partitionKey, encodeString(stamp.partitionKey));
    count += 2;
  }
  const annotations = mapSection(SECTION.messageAnnotations, pairs, count);
  return { wire: Buffer.concat([event.header, annotations, event.rest]), headerLength: event.header.length };
}

export interface PartitionTail {
  lastSequenceNumber: number;
  lastOffset: number;
  lastEnqueuedTimeMs: number;
}

/** The runtime-metric delivery annotations a receiver asked for with `com.microsoft:enable-receiver-runtime-metric`. */
export function withRuntimeMetrics(wire: Buffer, headerLength: number, tail: PartitionTail, nowMs: number): Buffer {
  const annotations = mapSection(SECTION.deliveryAnnotations, [
    KEYS.lastOffset, encodeString(String(tail.lastOffset)),
    KEYS.lastSequenceNumber, encodeLong(tail.lastSequenceNumber),
    KEYS.lastEnqueuedTime, encodeTimestamp(tail.lastEnqueuedTimeMs),
    KEYS.retrievalTime, encodeTimestamp(nowMs),
  ], 8);
  return Buffer.concat([wire.subarray(0, headerLength), annotations, wire.subarray(headerLength)]);
}

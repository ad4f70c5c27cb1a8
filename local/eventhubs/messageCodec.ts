// Splits what the client sends into events and builds what the emulator delivers, working on encoded bytes so that
// every section the producer wrote (properties, application properties, body, its own annotations) reaches the
// consumer byte for byte, with only the broker's annotations added. This is the emulator's hot path (every event of
// every batch passes here once): sections are located by their size fields, never decoded, and a batch's deliveries
// are written into one buffer.
import { SECTION, encodeString, encodeSymbol } from './amqpBytes.ts';
import { MalformedMessageError, binaryAt, mapPairs, scanSections, stringAt } from './amqpScan.ts';
import { KeyCollector, allocateSlab, setLayout, type EventChunk } from './eventChunks.ts';

export { MalformedMessageError };

/** The message format of a batch: an envelope whose data sections are each one encoded event. */
export const BATCH_FORMAT = 0x80013700;

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

/** The events in one transfer, and the envelope's partition key. */
export function splitTransfer(payload: Buffer, format: number): { events: Buffer[]; partitionKey: string | undefined } {
  if (format !== BATCH_FORMAT) {
    return { events: [payload], partitionKey: parseEvent(payload).partitionKey };
  }
  const events: Buffer[] = [];
  let partitionKey: string | undefined;
  for (const section of scanSections(payload)) {
    if (section.code === undefined) throw new MalformedMessageError('the batch holds something that is not a message section');
    if (section.code === SECTION.data) {
      const event = binaryAt(payload, section.valueStart, section.end);
      if (event) events.push(event);
    } else if (section.code === SECTION.messageAnnotations) {
      partitionKey = readAnnotations(payload, section.valueStart).partitionKey;
    }
  }
  return { events, partitionKey };
}

const EMPTY: Buffer = Buffer.alloc(0);

export function parseEvent(raw: Buffer): ParsedEvent {
  let header = EMPTY;
  let annotationPairs: Buffer[] = [];
  let partitionKey: string | undefined;
  let restStart = raw.length;
  for (const section of scanSections(raw)) {
    if (section.code === SECTION.header) header = raw.subarray(section.start, section.end);
    else if (section.code === SECTION.messageAnnotations) {
      ({ pairs: annotationPairs, partitionKey } = readAnnotations(raw, section.valueStart));
    } else if (section.code !== SECTION.deliveryAnnotations) {
      restStart = Math.min(restStart, section.start);
    }
  }
  return { header, annotationPairs, partitionKey, rest: raw.subarray(restStart) };
}

function readAnnotations(buffer: Buffer, mapStart: number): { pairs: Buffer[]; partitionKey: string | undefined } {
  const pairs: Buffer[] = [];
  let partitionKey: string | undefined;
  for (const pair of mapPairs(buffer, mapStart)) {
    if (pair.key === PARTITION_KEY) partitionKey = stringAt(buffer, pair.valueStart, pair.end) ?? partitionKey;
    if (pair.key !== undefined && BROKER_KEYS.has(pair.key)) continue;
    pairs.push(buffer.subarray(pair.start, pair.end));
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
/** A map section's fixed part: described (0x00 0x53 code), map32, size, count. */
const MAP_HEAD = 12;
const LONG = 9;

/** Writes an AMQP long or timestamp (8-byte two's complement) without going through BigInt. */
function write64(target: Buffer, at: number, code: number, value: number): number {
  const high = Math.floor(value / 2 ** 32);
  target[at] = code;
  target.writeInt32BE(high, at + 1);
  target.writeUInt32BE(value - high * 2 ** 32, at + 5);
  return at + LONG;
}

function writeBytes(target: Buffer, at: number, bytes: Buffer): number {
  bytes.copy(target, at);
  return at + bytes.length;
}

function writeMapHead(target: Buffer, at: number, code: number, size: number, count: number): number {
  target[at] = 0x00;
  target[at + 1] = 0x53;
  target[at + 2] = code;
  target[at + 3] = 0xd1;
  target.writeUInt32BE(size + 4, at + 4); // the size field counts the count field too
  target.writeUInt32BE(count, at + 8);
  return at + MAP_HEAD;
}

/** A short ASCII string (an offset's digits) as str8. */
function writeShortString(target: Buffer, at: number, text: string): number {
  target[at] = 0xa1;
  target[at + 1] = text.length;
  return at + 2 + target.write(text, at + 2, 'latin1');
}

/**
 * Stamps one transfer's events with consecutive sequence numbers and offsets (an offset is the byte position of the
 * delivered bytes in the partition) and encodes them, broker annotations included, into one shared buffer: the chunk
 * a partition log keeps, and exactly what consumers receive.
 */
export function buildDeliveries(
  events: ParsedEvent[],
  envelopeKey: string | undefined,
  first: { sequenceNumber: number; offset: number; enqueuedTimeMs: number },
): EventChunk {
  const envelopeKeyBytes = envelopeKey === undefined ? undefined : encodeString(envelopeKey);
  const sizes: number[] = [];
  let offset = first.offset;
  for (const event of events) {
    let pairs = KEYS.sequenceNumber.length + LONG + KEYS.offset.length + 2 + String(offset).length + KEYS.enqueuedTime.length + LONG;
    for (const pair of event.annotationPairs) pairs += pair.length;
    if (event.partitionKey === undefined && envelopeKeyBytes) pairs += KEYS.partitionKey.length + envelopeKeyBytes.length;
    const size = event.header.length + MAP_HEAD + pairs + event.rest.length;
    sizes.push(size);
    offset += size;
  }
  const slab = allocateSlab(offset - first.offset, events.length);
  const keys = new KeyCollector();
  let at = 0;
  offset = first.offset;
  for (const [i, event] of events.entries()) {
    const size = sizes[i] as number;
    const addKey = event.partitionKey === undefined && envelopeKeyBytes !== undefined;
    at = writeBytes(slab, at, event.header);
    const mapSize = size - event.header.length - MAP_HEAD - event.rest.length;
    at = writeMapHead(slab, at, SECTION.messageAnnotations, mapSize, event.annotationPairs.length * 2 + (addKey ? 8 : 6));
    for (const pair of event.annotationPairs) at = writeBytes(slab, at, pair);
    at = write64(slab, writeBytes(slab, at, KEYS.sequenceNumber), 0x81, first.sequenceNumber + i);
    at = writeShortString(slab, writeBytes(slab, at, KEYS.offset), String(offset));
    at = write64(slab, writeBytes(slab, at, KEYS.enqueuedTime), 0x83, first.enqueuedTimeMs);
    if (addKey) at = writeBytes(slab, writeBytes(slab, at, KEYS.partitionKey), envelopeKeyBytes);
    at = writeBytes(slab, at, event.rest);
    setLayout(slab, events.length, i, at, event.header.length);
    keys.add(event.partitionKey ?? envelopeKey);
    offset += size;
  }
  return {
    slab,
    count: events.length,
    firstSequenceNumber: first.sequenceNumber,
    firstOffset: first.offset,
    enqueuedTimeMs: first.enqueuedTimeMs,
    partitionKey: keys.result(),
  };
}

export interface PartitionTail {
  lastSequenceNumber: number;
  lastOffset: number;
  lastEnqueuedTimeMs: number;
}

/** The runtime-metric delivery annotations a receiver asked for with `com.microsoft:enable-receiver-runtime-metric`. */
export function withRuntimeMetrics(wire: Buffer, headerLength: number, tail: PartitionTail, nowMs: number): Buffer {
  const lastOffset = String(tail.lastOffset);
  const pairs = KEYS.lastOffset.length + 2 + lastOffset.length + KEYS.lastSequenceNumber.length + LONG +
    KEYS.lastEnqueuedTime.length + LONG + KEYS.retrievalTime.length + LONG;
  const out = Buffer.allocUnsafe(wire.length + MAP_HEAD + pairs);
  let at = wire.copy(out, 0, 0, headerLength);
  at = writeMapHead(out, at, SECTION.deliveryAnnotations, pairs, 8);
  at = writeShortString(out, writeBytes(out, at, KEYS.lastOffset), lastOffset);
  at = write64(out, writeBytes(out, at, KEYS.lastSequenceNumber), 0x81, tail.lastSequenceNumber);
  at = write64(out, writeBytes(out, at, KEYS.lastEnqueuedTime), 0x83, tail.lastEnqueuedTimeMs);
  at = write64(out, writeBytes(out, at, KEYS.retrievalTime), 0x83, nowMs);
  wire.copy(out, at, headerLength);
  return out;
}

// Kafka record batches (magic 2), the only format current producers send: read the ones a Produce carries (CRC-32C
// checked; uncompressed or gzip) and write the one a Fetch returns (uncompressed). Layout from the protocol guide's
// "Record Batch" section.
import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c.ts';
import { ErrorCode } from './errorCodes.ts';
import { KafkaDecodeError, Reader, type Writer } from './wire.ts';

export interface KafkaHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeader[];
  timestamp: number;
}

/** A batch the emulator refuses, with the Kafka error code the producer gets for its partition. */
export class RecordBatchError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'RecordBatchError';
    this.code = code;
  }
}

/** baseOffset, batchLength, partitionLeaderEpoch, magic, crc, then what the CRC covers. */
const CRC_START = 21;
const HEADER = 61;
const COMPRESSION = { none: 0, gzip: 1 } as const;
const CONTROL_BIT = 0x20;

function readRecord(reader: Reader, baseTimestamp: number): KafkaRecord {
  const length = reader.varint();
  if (length < 0 || length > reader.remaining) throw new KafkaDecodeError(`record length ${length} runs past the batch`);
  const record = new Reader(reader.buffer, reader.at, reader.at + length);
  reader.at += length;
  record.int8(); // attributes: unused in magic 2
  const timestamp = baseTimestamp + record.varint();
  record.varint(); // offset delta: the broker assigns offsets
  const keyLength = record.varint();
  // Views into the request (or the inflated batch), not copies: recordToAmqp copies them once into the stored event.
  const key = keyLength < 0 ? null : record.raw(keyLength);
  const valueLength = record.varint();
  const value = valueLength < 0 ? null : record.raw(valueLength);
  const count = record.varint();
  if (count < 0 || count > record.remaining) throw new KafkaDecodeError(`record has ${count} headers in ${record.remaining} bytes`);
  const headers: KafkaHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyBytes = record.varint();
    if (keyBytes < 0) throw new KafkaDecodeError('record header with a null key');
    const headerKey = record.raw(keyBytes).toString('utf8');
    const headerLength = record.varint();
    headers.push({ key: headerKey, value: headerLength < 0 ? null : record.raw(headerLength) });
  }
  if (record.remaining !== 0) throw new KafkaDecodeError(`record has ${record.remaining} bytes past its last header`);
  return { key, value, headers, timestamp };
}

/**
 * Every record of the batches in one partition's `records` field. Throws RecordBatchError (with the code to answer)
 * for a batch that is corrupt, compressed other than gzip, or of an older format.
 */
export function readBatches(data: Buffer, maxUncompressedBytes: number): KafkaRecord[] {
  const records: KafkaRecord[] = [];
  let at = 0;
  while (at < data.length) {
    if (data.length - at < HEADER) throw new RecordBatchError(ErrorCode.corruptMessage, `record batch truncated at byte ${at}`);
    const end = at + 12 + data.readInt32BE(at + 8);
    const magic = data.readInt8(at + 16);
    if (magic !== 2) throw new RecordBatchError(ErrorCode.corruptMessage, `message format (magic ${magic}) not supported: only record batches (magic 2)`);
    if (end > data.length || end < at + HEADER) throw new RecordBatchError(ErrorCode.corruptMessage, `record batch length runs past the request at byte ${at}`);
    if (crc32c(data, at + CRC_START, end) !== data.readUInt32BE(at + 17)) throw new RecordBatchError(ErrorCode.corruptMessage, `record batch at byte ${at} fails its CRC`);
    const attributes = data.readInt16BE(at + 21);
    const baseTimestamp = data.readInt32BE(at + 27) * 2 ** 32 + data.readUInt32BE(at + 31);
    const count = data.readInt32BE(at + 57);
    const compression = attributes & 0x07;
    let body = data.subarray(at + HEADER, end);
    if (compression === COMPRESSION.gzip) {
      try {
        body = gunzipSync(body, { maxOutputLength: maxUncompressedBytes });
      } catch (error) {
        throw new RecordBatchError(ErrorCode.corruptMessage, `gzip batch could not be inflated within ${maxUncompressedBytes} bytes: ${(error as Error).message}`);
      }
    } else if (compression !== COMPRESSION.none) {
      throw new RecordBatchError(ErrorCode.unsupportedCompressionType, `compression type ${compression} is not supported (none and gzip are)`);
    }
    if ((attributes & CONTROL_BIT) === 0) {
      const reader = new Reader(body);
      try {
        for (let i = 0; i < count; i++) records.push(readRecord(reader, baseTimestamp));
      } catch (error) {
        throw new RecordBatchError(ErrorCode.corruptMessage, `record batch at byte ${at}: ${(error as Error).message}`);
      }
      if (reader.remaining !== 0) throw new RecordBatchError(ErrorCode.corruptMessage, `record batch at byte ${at} has bytes past its ${count} records`);
    }
    at = end;
  }
  return records;
}

function varintSize(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    size += 1;
  }
  return size;
}

const bytesSize = (value: Buffer | null) => (value === null ? varintSize(-1) : varintSize(value.length) + value.length);

/** Writes one uncompressed batch holding `records` at consecutive offsets from `baseOffset`. */
export function writeBatch(writer: Writer, baseOffset: number, records: KafkaRecord[]): void {
  const first = records[0];
  if (!first) return;
  const baseTimestamp = first.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const record of records) maxTimestamp = Math.max(maxTimestamp, record.timestamp);
  const start = writer.at;
  writer.int64(baseOffset);
  const setLength = writer.reserve32();
  writer.int32(0).int8(2); // partition leader epoch, magic
  const setCrc = writer.reserve32();
  const crcStart = writer.at;
  writer.int16(0).int32(records.length - 1).int64(baseTimestamp).int64(maxTimestamp);
  writer.int64(-1).int16(-1).int32(-1).int32(records.length); // no producer id, epoch or sequence
  for (const [i, record] of records.entries()) {
    const headerKeys = record.headers.map((h) => Buffer.from(h.key, 'utf8'));
    let size = 1 + varintSize(record.timestamp - baseTimestamp) + varintSize(i) + bytesSize(record.key) + bytesSize(record.value) +
      varintSize(record.headers.length);
    for (const [j, header] of record.headers.entries()) size += bytesSize(headerKeys[j] as Buffer) + bytesSize(header.value);
    writer.varint(size).int8(0).varint(record.timestamp - baseTimestamp).varint(i);
    writeNullable(writer, record.key);
    writeNullable(writer, record.value);
    writer.varint(record.headers.length);
    for (const [j, header] of record.headers.entries()) {
      writeNullable(writer, headerKeys[j] as Buffer);
      writeNullable(writer, header.value);
    }
  }
  setLength(writer.at - start - 12);
  setCrc(crc32c(writer.slice(crcStart)));
}

function writeNullable(writer: Writer, value: Buffer | null): void {
  if (value === null) writer.varint(-1);
  else writer.varint(value.length).raw(value);
}

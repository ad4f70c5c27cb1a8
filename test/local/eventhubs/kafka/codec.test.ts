import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../../local/eventhubs/kafka/crc32c.ts';
import { ErrorCode } from '../../../../local/eventhubs/kafka/errorCodes.ts';
import { APIS, API_KEYS } from '../../../../local/eventhubs/kafka/messages.ts';
import { readBatches, RecordBatchError, writeBatch, type KafkaRecord } from '../../../../local/eventhubs/kafka/recordBatch.ts';
import { decode, encode } from '../../../../local/eventhubs/kafka/schema.ts';
import { KafkaDecodeError, Reader, Writer } from '../../../../local/eventhubs/kafka/wire.ts';

const schema = (key: number) => APIS.get(key)!;

describe('Reader and Writer', () => {
  it.each([0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31), 1_700_000_000_000, -1_700_000_000_000])('round-trips the zig-zag varint %d', (n) => {
    expect(new Reader(new Writer().varint(n).finish()).varint()).toBe(n);
  });

  it('writes zig-zag varints as the protocol guide shows (1 → 02, -1 → 01, 150 → ac 02)', () => {
    expect(new Writer().varint(1).finish()).toEqual(Buffer.from([0x02]));
    expect(new Writer().varint(-1).finish()).toEqual(Buffer.from([0x01]));
    expect(new Writer().varint(150).finish()).toEqual(Buffer.from([0xac, 0x02]));
  });

  it('round-trips int64 values across the 32-bit boundary, negative ones included', () => {
    for (const n of [0, -1, 2 ** 32, 2 ** 40 + 5, -(2 ** 40) - 5, Number.MAX_SAFE_INTEGER]) {
      expect(new Reader(new Writer().int64(n).finish()).int64()).toBe(n);
    }
  });

  it('throws KafkaDecodeError when a value runs past the request, and for an array longer than the bytes left', () => {
    expect(() => new Reader(Buffer.from([0x00, 0x05, 0x61])).string(false)).toThrow(KafkaDecodeError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).arrayLength(false)).toThrow(KafkaDecodeError);
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).uvarint()).toThrow(KafkaDecodeError);
  });
});

describe('decode and encode', () => {
  const metadata = schema(API_KEYS.metadata);
  const body = {
    ThrottleTimeMs: 0, Brokers: [{ NodeId: 0, Host: 'localhost', Port: 9092, Rack: null }], ClusterId: 'ns', ControllerId: 0,
    Topics: [{ ErrorCode: 0, Name: 'temperatures', TopicId: Buffer.alloc(16), IsInternal: false, TopicAuthorizedOperations: 0,
      Partitions: [{ ErrorCode: 0, PartitionIndex: 0, LeaderId: 0, LeaderEpoch: 0, ReplicaNodes: [0], IsrNodes: [0], OfflineReplicas: [] }] }],
    ClusterAuthorizedOperations: 0,
  };

  it.each([1, 4, 8, 9, 12])('round-trips a Metadata response in version %i (classic and flexible)', (version) => {
    const writer = new Writer();
    encode(metadata.response, version, body, writer);
    const decoded = decode(metadata.response, version, new Reader(writer.finish()));
    expect(decoded['Brokers']).toEqual([{ NodeId: 0, Host: 'localhost', Port: 9092, Rack: null }]);
    expect((decoded['Topics'] as Array<{ Name: string }>)[0]?.Name).toBe('temperatures');
  });

  it('writes compact strings and arrays with tagged-field sections in flexible versions', () => {
    const api = schema(API_KEYS.apiVersions);
    const writer = new Writer();
    encode(api.request, 3, { ClientSoftwareName: 'ab', ClientSoftwareVersion: '1' }, writer);
    // length+1 as an unsigned varint, then the bytes; an empty tagged-field section at the end.
    expect(writer.finish()).toEqual(Buffer.from([0x03, 0x61, 0x62, 0x02, 0x31, 0x00]));
  });

  it('reads a known tagged field and skips unknown ones', () => {
    const fetch = schema(API_KEYS.fetch);
    const writer = new Writer();
    encode(fetch.request, 12, { ClusterId: 'cluster', MaxWaitMs: 100, Topics: [], ForgottenTopicsData: [], RackId: '' }, writer);
    const bytes = Buffer.from(writer.finish());
    const decoded = decode(fetch.request, 12, new Reader(bytes));
    expect(decoded['ClusterId']).toBe('cluster');
    expect(decoded['MaxWaitMs']).toBe(100);
  });

  it('refuses to write null into a field that is not nullable in that version', () => {
    const join = schema(API_KEYS.joinGroup);
    expect(() => encode(join.response, 6, { ProtocolName: null }, new Writer())).toThrow(/not nullable/);
    expect(() => encode(join.response, 7, { ProtocolName: null }, new Writer())).not.toThrow();
  });
});

describe('crc32c', () => {
  it('matches the standard check value for "123456789" (0xE3069283) and is independent of the unrolled length', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const slow = (bytes: Buffer) => {
      let crc = 0xffffffff;
      for (const byte of bytes) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    for (const length of [0, 1, 7, 8, 9, 1000]) expect(crc32c(data.subarray(0, length))).toBe(slow(data.subarray(0, length)));
  });
});

describe('readBatches and writeBatch', () => {
  const records: KafkaRecord[] = [
    { key: Buffer.from('k'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from([1, 2]) }, { key: 'n', value: null }], timestamp: 1_700_000_000_000 },
    { key: null, value: null, headers: [], timestamp: 1_699_999_999_000 },
    { key: Buffer.alloc(0), value: Buffer.alloc(300, 7), headers: [], timestamp: 1_700_000_000_500 },
  ];
  const batch = () => {
    const writer = new Writer();
    writeBatch(writer, 42, records);
    return Buffer.from(writer.finish());
  };

  it('reads back what it writes: keys, values, nulls, headers and timestamps', () => {
    expect(readBatches(batch(), 1 << 20)).toEqual(records);
  });

  it('reads several batches in one records field', () => {
    expect(readBatches(Buffer.concat([batch(), batch()]), 1 << 20)).toHaveLength(6);
  });

  it('reads a gzip batch', () => {
    const plain = batch();
    const compressed = gzipSync(plain.subarray(61));
    const head = Buffer.from(plain.subarray(0, 61));
    head.writeInt32BE(61 - 12 + compressed.length, 8);
    head.writeInt16BE(1, 21); // attributes: gzip
    const gz = Buffer.concat([head, compressed]);
    gz.writeUInt32BE(crc32c(gz, 21), 17);
    expect(readBatches(gz, 1 << 20)).toEqual(records);
  });

  it.each([
    ['a changed byte (CRC)', (b: Buffer) => { b.writeUInt8(b.readUInt8(b.length - 1) ^ 1, b.length - 1); }, ErrorCode.corruptMessage],
    ['magic 1', (b: Buffer) => { b[16] = 1; }, ErrorCode.corruptMessage],
    ['snappy compression', (b: Buffer) => { b.writeInt16BE(2, 21); b.writeUInt32BE(crc32c(b, 21), 17); }, ErrorCode.unsupportedCompressionType],
    ['a length past the end', (b: Buffer) => { b.writeInt32BE(1 << 20, 8); }, ErrorCode.corruptMessage],
    ['a record count larger than the records', (b: Buffer) => { b.writeInt32BE(9, 57); b.writeUInt32BE(crc32c(b, 21), 17); }, ErrorCode.corruptMessage],
  ])('refuses a batch with %s', (_what, damage, code) => {
    const b = batch();
    damage(b);
    expect(() => readBatches(b, 1 << 20)).toThrow(RecordBatchError);
    try {
      readBatches(b, 1 << 20);
    } catch (error) {
      expect((error as RecordBatchError).code).toBe(code);
    }
  });

  it('refuses a gzip batch that inflates past the limit', () => {
    const big: KafkaRecord[] = [{ key: null, value: Buffer.alloc(100_000), headers: [], timestamp: 0 }];
    const writer = new Writer();
    writeBatch(writer, 0, big);
    const plain = Buffer.from(writer.finish());
    const compressed = gzipSync(plain.subarray(61));
    const head = Buffer.from(plain.subarray(0, 61));
    head.writeInt32BE(61 - 12 + compressed.length, 8);
    head.writeInt16BE(1, 21);
    const gz = Buffer.concat([head, compressed]);
    gz.writeUInt32BE(crc32c(gz, 21), 17);
    expect(() => readBatches(gz, 10_000)).toThrow(/inflated/);
  });
});

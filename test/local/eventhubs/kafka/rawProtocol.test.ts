// The Kafka endpoint spoken to byte by byte: what a client that is not kafkajs or librdkafka could send. Requests
// before authentication, APIs and versions the emulator does not serve, bad batches, and malformed frames.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { ErrorCode } from '../../../../local/eventhubs/kafka/errorCodes.ts';
import { API_KEYS, APIS } from '../../../../local/eventhubs/kafka/messages.ts';
import { writeBatch } from '../../../../local/eventhubs/kafka/recordBatch.ts';
import { decode, encode, type Decoded } from '../../../../local/eventhubs/kafka/schema.ts';
import { Reader, Writer } from '../../../../local/eventhubs/kafka/wire.ts';
import { HUB, startWithKafka } from './clients.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startWithKafka();
});
afterAll(async () => {
  await emulator?.close();
});

/** A bare Kafka connection: sends requests with classic or flexible headers, reads size-prefixed responses. */
class RawClient {
  readonly socket: Socket;
  private data = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  private nextCorrelation = 1;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1' });
    this.socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  writeFrame(body: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    this.socket.write(Buffer.concat([size, body]));
  }

  send(apiKey: number, version: number, body: Decoded | Buffer): number {
    const api = APIS.get(apiKey);
    const writer = new Writer().int16(apiKey).int16(version);
    const correlationId = this.nextCorrelation++;
    writer.int32(correlationId).string('raw-test', false);
    const flexible = api !== undefined && version >= api.request.flexibleFrom;
    if (flexible) writer.uvarint(0);
    if (Buffer.isBuffer(body)) writer.raw(body);
    else encode(api!.request, version, body, writer);
    this.writeFrame(Buffer.from(writer.finish()));
    return correlationId;
  }

  /** The next response frame, or undefined once the server has closed the connection. */
  async next(timeoutMs = 5_000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.data.length >= 4 && this.data.length >= 4 + this.data.readInt32BE(0)) {
        const frame = this.data.subarray(4, 4 + this.data.readInt32BE(0));
        this.data = this.data.subarray(4 + frame.length);
        return frame;
      }
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error('no response');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async call(apiKey: number, version: number, body: Decoded): Promise<Decoded> {
    const correlationId = this.send(apiKey, version, body);
    const frame = await this.next();
    if (!frame) throw new Error('connection closed');
    const reader = new Reader(frame);
    expect(reader.int32()).toBe(correlationId);
    const api = APIS.get(apiKey)!;
    if (apiKey !== API_KEYS.apiVersions && version >= api.response.flexibleFrom) reader.uvarint();
    return decode(api.response, version, reader);
  }

  async authenticate(password = emulator.connectionString): Promise<Decoded> {
    await this.call(API_KEYS.saslHandshake, 1, { Mechanism: 'PLAIN' });
    return this.call(API_KEYS.saslAuthenticate, 1, { AuthBytes: Buffer.from(`\u0000$ConnectionString\u0000${password}`) });
  }

  close(): void {
    this.socket.destroy();
  }
}

function batchOf(values: string[]): Buffer {
  const writer = new Writer();
  writeBatch(writer, 0, values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: Date.now() })));
  return Buffer.from(writer.finish());
}

const produceBody = (records: Buffer, partition = 0, topic = HUB, acks = -1): Decoded =>
  ({ TransactionalId: null, Acks: acks, TimeoutMs: 1000, TopicData: [{ Name: topic, PartitionData: [{ Index: partition, Records: records }] }] });

type PartitionAnswer = { ErrorCode: number; BaseOffset: number; ErrorMessage: string | null };
const firstPartition = (response: Decoded) =>
  ((response['Responses'] as Array<{ PartitionResponses: PartitionAnswer[] }>)[0]?.PartitionResponses[0]) as PartitionAnswer;

describe('Kafka endpoint, raw protocol', () => {
  it('answers ApiVersions before authentication in the classic and the flexible version, listing what it serves', async () => {
    const client = new RawClient(emulator.kafka!.port);
    try {
      for (const version of [0, 3]) {
        const answer = await client.call(API_KEYS.apiVersions, version, { ClientSoftwareName: 'raw', ClientSoftwareVersion: '1' });
        expect(answer['ErrorCode']).toBe(0);
        expect(answer['ApiKeys']).toContainEqual({ ApiKey: API_KEYS.produce, MinVersion: 3, MaxVersion: 9 });
        expect(answer['ApiKeys']).toContainEqual({ ApiKey: API_KEYS.saslAuthenticate, MinVersion: 0, MaxVersion: 2 });
      }
    } finally {
      client.close();
    }
  });

  it('answers an ApiVersions version it does not know in version 0 with UNSUPPORTED_VERSION and its list', async () => {
    const client = new RawClient(emulator.kafka!.port);
    try {
      const correlationId = client.send(API_KEYS.apiVersions, 99, Buffer.alloc(0));
      const reader = new Reader((await client.next())!);
      expect(reader.int32()).toBe(correlationId);
      const answer = decode(APIS.get(API_KEYS.apiVersions)!.response, 0, reader);
      expect(answer['ErrorCode']).toBe(ErrorCode.unsupportedVersion);
      expect((answer['ApiKeys'] as unknown[]).length).toBe(APIS.size);
    } finally {
      client.close();
    }
  });

  it('reads requests that arrive a byte at a time, and several in one write, answering each in order', async () => {
    const client = new RawClient(emulator.kafka!.port);
    try {
      const frames: Buffer[] = [];
      const original = client.socket.write.bind(client.socket);
      (client.socket as unknown as { write: (b: Buffer) => boolean }).write = (bytes: Buffer) => (frames.push(bytes), true);
      client.send(API_KEYS.apiVersions, 0, {});
      client.send(API_KEYS.apiVersions, 3, { ClientSoftwareName: 'raw', ClientSoftwareVersion: '1' });
      (client.socket as unknown as { write: typeof original }).write = original;
      const [first, second] = frames as [Buffer, Buffer];
      for (const byte of first) {
        client.socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(new Reader((await client.next())!).int32()).toBe(1);
      client.socket.write(Buffer.concat([second, first]));
      expect(new Reader((await client.next())!).int32()).toBe(2);
      expect(new Reader((await client.next())!).int32()).toBe(1);
    } finally {
      client.close();
    }
  });

  it('closes a connection that asks for anything else before SASL authentication, as Event Hubs does', async () => {
    const client = new RawClient(emulator.kafka!.port);
    client.send(API_KEYS.metadata, 1, { Topics: null });
    expect(await client.next()).toBeUndefined();
    expect(client.closed).toBe(true);
  });

  it('authenticates with the v0 handshake and a bare SASL token, and with the flexible SaslAuthenticate', async () => {
    const bare = new RawClient(emulator.kafka!.port);
    const flexible = new RawClient(emulator.kafka!.port);
    try {
      expect((await bare.call(API_KEYS.saslHandshake, 0, { Mechanism: 'PLAIN' }))['ErrorCode']).toBe(0);
      bare.writeFrame(Buffer.from(`\u0000$ConnectionString\u0000${emulator.connectionString}`));
      expect(await bare.next()).toEqual(Buffer.alloc(0));
      expect((await bare.call(API_KEYS.metadata, 1, { Topics: null }))['Topics']).toHaveLength(1);

      await flexible.call(API_KEYS.saslHandshake, 1, { Mechanism: 'PLAIN' });
      const answer = await flexible.call(API_KEYS.saslAuthenticate, 2, { AuthBytes: Buffer.from(`\u0000$ConnectionString\u0000${emulator.connectionString}`) });
      expect(answer['ErrorCode']).toBe(0);
      const metadata = await flexible.call(API_KEYS.metadata, 12, { Topics: [{ TopicId: Buffer.alloc(16), Name: HUB }], AllowAutoTopicCreation: false });
      expect((metadata['Topics'] as Array<{ Partitions: unknown[] }>)[0]?.Partitions).toHaveLength(4);
    } finally {
      bare.close();
      flexible.close();
    }
  });

  it('refuses other mechanisms, other usernames and wrong keys, closing after a wrong key', async () => {
    const client = new RawClient(emulator.kafka!.port);
    expect(await client.call(API_KEYS.saslHandshake, 1, { Mechanism: 'SCRAM-SHA-256' })).toEqual({ ErrorCode: ErrorCode.unsupportedSaslMechanism, Mechanisms: ['PLAIN'] });
    await client.call(API_KEYS.saslHandshake, 1, { Mechanism: 'PLAIN' });
    const refused = await client.call(API_KEYS.saslAuthenticate, 1, { AuthBytes: Buffer.from(`\u0000$ConnectionString\u0000${emulator.connectionString.replace('SAS_KEY_VALUE', 'nope')}`) });
    expect(refused).toMatchObject({ ErrorCode: ErrorCode.saslAuthenticationFailed, ErrorMessage: expect.stringMatching(/^Invalid SASL\/PLAIN authentication: invalid key/) });
    expect(await client.next()).toBeUndefined();

    const other = new RawClient(emulator.kafka!.port);
    expect(await other.authenticate()).toMatchObject({ ErrorCode: 0 });
    other.close();
    const user = new RawClient(emulator.kafka!.port);
    await user.call(API_KEYS.saslHandshake, 1, { Mechanism: 'PLAIN' });
    const wrongUser = await user.call(API_KEYS.saslAuthenticate, 1, { AuthBytes: Buffer.from(`\u0000admin\u0000${emulator.connectionString}`) });
    expect(wrongUser['ErrorMessage']).toMatch(/username must be \$ConnectionString/);
    user.close();
  });

  it('answers an API it does not serve with UNSUPPORTED_VERSION and keeps the connection open', async () => {
    const client = new RawClient(emulator.kafka!.port);
    try {
      await client.authenticate();
      const describeConfigs = 32;
      const correlationId = client.send(describeConfigs, 4, Buffer.from([0, 0, 0, 0, 0]));
      const reader = new Reader((await client.next())!);
      expect([reader.int32(), reader.int16()]).toEqual([correlationId, ErrorCode.unsupportedVersion]);
      client.send(API_KEYS.produce, 2, Buffer.alloc(0)); // Produce v2 (message sets) is below the served range
      const second = new Reader((await client.next())!);
      expect([second.int32(), second.int16()]).toEqual([correlationId + 1, ErrorCode.unsupportedVersion]);
      expect((await client.call(API_KEYS.metadata, 4, { Topics: null, AllowAutoTopicCreation: false }))['Topics']).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('answers a bad produce per partition: unknown partition or topic, a corrupt or snappy batch; acks=0 gets no answer', async () => {
    const client = new RawClient(emulator.kafka!.port);
    try {
      await client.authenticate();
      expect(firstPartition(await client.call(API_KEYS.produce, 7, produceBody(batchOf(['x']), 9))).ErrorCode).toBe(ErrorCode.unknownTopicOrPartition);
      expect(firstPartition(await client.call(API_KEYS.produce, 7, produceBody(batchOf(['x']), 0, 'nope'))).ErrorCode).toBe(ErrorCode.unknownTopicOrPartition);
      const corrupt = batchOf(['x']);
      corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
      expect(firstPartition(await client.call(API_KEYS.produce, 9, produceBody(corrupt)))).toMatchObject({ ErrorCode: ErrorCode.corruptMessage, ErrorMessage: expect.stringMatching(/CRC/) });
      const ok = firstPartition(await client.call(API_KEYS.produce, 3, produceBody(batchOf(['a', 'b']), 3)));
      expect(ok.ErrorCode).toBe(0);
      // acks=0: stored, not answered; the next answer on the connection is the next request's.
      client.send(API_KEYS.produce, 7, produceBody(batchOf(['c']), 3, HUB, 0));
      const after = firstPartition(await client.call(API_KEYS.produce, 7, produceBody(batchOf(['d']), 3)));
      expect(after.BaseOffset).toBe(ok.BaseOffset + 3);
      const fetch = await client.call(API_KEYS.fetch, 4, { ReplicaId: -1, MaxWaitMs: 0, MinBytes: 0, MaxBytes: 1 << 20, IsolationLevel: 0,
        Topics: [{ Topic: HUB, Partitions: [{ Partition: 3, FetchOffset: 1000, PartitionMaxBytes: 1 << 20 }] }] });
      expect((fetch['Responses'] as Array<{ PartitionResponses: Array<{ ErrorCode: number; HighWatermark: number }> }>)[0]?.PartitionResponses[0])
        .toMatchObject({ ErrorCode: ErrorCode.offsetOutOfRange, HighWatermark: ok.BaseOffset + 4 });
    } finally {
      client.close();
    }
  });

  it('holds a fetch with nothing to read until a record arrives or MaxWaitMs passes (a long poll)', async () => {
    const consumer = new RawClient(emulator.kafka!.port);
    const producer = new RawClient(emulator.kafka!.port);
    try {
      await consumer.authenticate();
      await producer.authenticate();
      const partition = 2;
      const end = await consumer.call(API_KEYS.listOffsets, 1, { ReplicaId: -1, Topics: [{ Name: HUB, Partitions: [{ PartitionIndex: partition, Timestamp: -1 }] }] });
      const offset = (end['Topics'] as Array<{ Partitions: Array<{ Offset: number }> }>)[0]?.Partitions[0]?.Offset ?? -1;
      const fetchAt = (maxWaitMs: number) => ({ ReplicaId: -1, MaxWaitMs: maxWaitMs, MinBytes: 1, MaxBytes: 1 << 20, IsolationLevel: 0, SessionId: 0, SessionEpoch: -1,
        Topics: [{ Topic: HUB, Partitions: [{ Partition: partition, FetchOffset: offset, PartitionMaxBytes: 1 << 20 }] }], ForgottenTopicsData: [], RackId: '' });
      const records = (answer: Decoded) => ((answer['Responses'] as Array<{ PartitionResponses: Array<{ RecordSet: Buffer }> }>)[0]?.PartitionResponses[0]?.RecordSet.length ?? 0);

      let started = Date.now();
      const empty = await consumer.call(API_KEYS.fetch, 11, fetchAt(300));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(records(empty)).toBe(0);

      started = Date.now();
      const waiting = consumer.call(API_KEYS.fetch, 12, fetchAt(10_000));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await producer.call(API_KEYS.produce, 9, produceBody(batchOf(['wake up']), partition));
      const woken = await waiting;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(records(woken)).toBeGreaterThan(0);
    } finally {
      consumer.close();
      producer.close();
    }
  });

  it.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3, 4])],
    ['a request whose body runs past its frame', Buffer.from([0, 0, 0, 12, 0, 3, 0, 1, 0, 0, 0, 1, 0, 50, 0x61, 0x62])],
  ])('closes only the connection that sends %s; others go on', async (_what, bytes) => {
    const healthy = new RawClient(emulator.kafka!.port);
    const hostile = new RawClient(emulator.kafka!.port);
    try {
      await healthy.authenticate();
      await hostile.authenticate();
      hostile.socket.write(bytes);
      expect(await hostile.next()).toBeUndefined();
      expect((await healthy.call(API_KEYS.metadata, 1, { Topics: null }))['Topics']).toHaveLength(1);
    } finally {
      healthy.close();
      hostile.close();
    }
  });
});

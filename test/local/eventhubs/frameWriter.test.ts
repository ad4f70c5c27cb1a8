import { createRequire } from 'node:module';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import rhea, { type Connection } from 'rhea';
import { describe, expect, it } from 'vitest';
import { batchFrameWrites, encodeFrame, type Frame } from '../../../local/eventhubs/frameWriter.ts';

interface RheaFrames {
  write_frame(frame: unknown): Buffer;
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  transfer(fields: object): { described(): unknown };
  disposition(fields: object): { described(): unknown };
  flow(fields: object): { described(): unknown };
  close(fields: object): { described(): unknown };
  open(fields: object): { described(): unknown };
}
const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as RheaFrames;

const cases: Array<[string, Frame]> = [
  ['a transfer carrying a 1 KB event', { channel: 3, performative: frames.transfer({ handle: 1, delivery_id: 70_000, delivery_tag: Buffer.from('42'), message_format: 0, settled: false, more: false }).described(), payload: Buffer.alloc(1100, 7) }],
  ['a transfer larger than the room reserved for it', { channel: 0, performative: frames.transfer({ handle: 0, delivery_id: 1, delivery_tag: Buffer.alloc(200, 1), message_format: 0x80013700 }).described(), payload: Buffer.alloc(10, 1) }],
  ['a disposition range', { channel: 1, performative: frames.disposition({ role: true, first: 5, last: 900, settled: true, state: undefined }).described() }],
  ['a flow', { channel: 2, performative: frames.flow({ next_incoming_id: 10, incoming_window: 2048, next_outgoing_id: 3, outgoing_window: 4294967295, handle: 0, delivery_count: 9, link_credit: 2000 }).described() }],
  ['a close with an error', { channel: 0, performative: frames.close({ error: { condition: 'amqp:decode-error', description: 'bad input' } }).described() }],
  ['an empty (heartbeat) frame', { channel: 0 }],
];

describe('encodeFrame', () => {
  it.each(cases)('encodes %s exactly as rhea does', (_name, frame) => {
    const expected = frames.write_frame(frames.amqp_frame(frame.channel, frame.performative, frame.payload));
    expect(encodeFrame(frame).equals(expected)).toBe(true);
  });
});

/** Field counts of the performatives by descriptor code, from the AMQP 1.0 specification (part 2 and part 5.3). */
const SPEC_FIELDS: Record<number, number> = { 0x10: 10, 0x11: 8, 0x12: 14, 0x13: 11, 0x14: 11, 0x15: 6, 0x16: 3, 0x17: 1, 0x18: 1, 0x40: 1, 0x44: 2 };

interface ReadFrame { type: number; code: number; fields: number }

/** Splits what the server wrote into protocol headers and frames, reading each frame's performative and field count. */
function readFrames(bytes: Buffer): ReadFrame[] {
  const found: ReadFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.toString('latin1', at, at + 4) === 'AMQP') {
      at += 8;
      continue;
    }
    const size = bytes.readUInt32BE(at);
    const body = at + (bytes[at + 4] as number) * 4;
    if (body < at + size) {
      expect(bytes.subarray(body, body + 2)).toEqual(Buffer.from([0x00, 0x53]));
      const list = bytes[body + 3];
      const fields = list === 0x45 ? 0 : list === 0xc0 ? (bytes[body + 5] as number) : bytes.readUInt32BE(body + 8);
      found.push({ type: bytes[at + 5] as number, code: bytes[body + 2] as number, fields });
    } else {
      found.push({ type: bytes[at + 5] as number, code: -1, fields: 0 });
    }
    at += size;
  }
  return found;
}

/**
 * A real rhea client talking to a real rhea server connection with batched writes, over loopback TCP (an in-memory
 * pair delivers data re-entrantly, which rhea's transports do not expect). The server sends `count` messages in one
 * go once the client's receiver is attached, then closes the connection; resolves once the server's socket has ended.
 */
async function converse(serverOptions: object, count: number) {
  const writes: Buffer[] = [];
  const serverContainer = rhea.create_container({ id: 'server' });
  (serverContainer as unknown as { sasl_server_mechanisms: { enable_anonymous(): void } }).sasl_server_mechanisms.enable_anonymous();
  let connection: Connection | undefined;
  let serverSocket: Socket | undefined;
  const listener = createServer((socket) => {
    serverSocket = socket;
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => {
      writes.push(Buffer.from(chunk));
      return write(chunk);
    }) as typeof socket.write;
    connection = (serverContainer as unknown as { create_connection(options: object): { accept(socket: Socket): Connection } })
      .create_connection(serverOptions).accept(socket);
    batchFrameWrites(connection);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  serverContainer.on('sender_open', (context) => {
    for (let i = 0; i < count; i++) context.sender?.send({ body: `event ${i}` });
  });

  const client = rhea.create_container({ id: 'client' });
  const received: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('message', (context) => {
        received.push(String(context.message?.body));
        if (received.length === count) connection?.close({ condition: 'amqp:connection:forced', description: 'done' });
      });
      client.on('connection_close', () => (serverSocket?.writableEnded ? resolve() : serverSocket?.once('finish', () => resolve())));
      client.on('disconnected', () => reject(new Error('disconnected before the close')));
      const { port } = listener.address() as AddressInfo;
      client.connect({ host: '127.0.0.1', port, username: 'someone', reconnect: false }).open_receiver({ source: 'q', credit_window: count });
    });
  } finally {
    serverSocket?.destroy();
    await new Promise((resolve) => listener.close(resolve));
  }
  return { received, writes };
}

describe('batchFrameWrites', () => {
  it.each([
    ['SASL optional (the emulator\'s set-up: ANONYMOUS on offer)', {}],
    ['SASL required (rhea\'s plain SASL server layer rather than the selective one)', { require_sasl: true }],
  ])('writes each processing pass\'s frames at once, every performative whole, with %s', async (_name, options) => {
    const { received, writes } = await converse(options, 5);
    expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `event ${i}`));
    expect(writes.every((chunk) => chunk.length > 0)).toBe(true);
    const perWrite = writes.map((chunk) => readFrames(chunk));
    const transfers = perWrite.map((frames) => frames.filter((f) => f.code === 0x14).length);
    expect(transfers).toContain(5);
    const all = perWrite.flat();
    expect(all.map((f) => f.code)).toEqual(expect.arrayContaining([0x40, 0x44, 0x10, 0x11, 0x12, 0x14, 0x18]));
    // The SASL mechanisms frame is written when rhea builds the connection, before batching starts: one field anyway.
    for (const frame of all) if (frame.code >= 0) expect(frame.fields, `0x${frame.code.toString(16)}`).toBe(SPEC_FIELDS[frame.code]);
  });

  it('ends the socket once the close exchange is done, when its own close went out in a batched pass', async () => {
    // A bare peer that sends open and close and then only waits: the server must answer and end the connection itself.
    const listener = createServer((socket) => {
      const connection = (rhea.create_container({ id: 'server' }) as unknown as { create_connection(options: object): { accept(socket: Socket): Connection } })
        .create_connection({}).accept(socket);
      batchFrameWrites(connection);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const peer = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    try {
      const received: Buffer[] = [];
      peer.on('data', (chunk: Buffer) => received.push(chunk));
      const ended = new Promise<string>((resolve) => peer.once('end', () => resolve('ended')));
      const write = (channel: number, performative: { described(): unknown }) => frames.write_frame(frames.amqp_frame(channel, performative.described()));
      peer.write(Buffer.concat([Buffer.from('AMQP\x00\x01\x00\x00', 'latin1'), write(0, frames.open({ container_id: 'peer' })), write(0, frames.close({}))]));
      const deadline = new Promise<string>((resolve) => setTimeout(() => resolve('still open after 5 s'), 5_000).unref());
      expect(await Promise.race([ended, deadline])).toBe('ended');
      expect(readFrames(Buffer.concat(received)).map((f) => f.code)).toEqual([0x10, 0x18]);
    } finally {
      peer.destroy();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

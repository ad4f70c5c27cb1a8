// A bare AMQP peer for tests that send what no client library would: frames encoded with rhea's own (untyped,
// internal) frame writer, written to a plain socket, and the server's replies decoded the same way.
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';

interface Performative {
  described(): unknown;
}

interface RheaFrames {
  write_frame(frame: unknown): Buffer;
  read_frame(buffer: Buffer): { type: number; channel: number; performative?: { constructor: { toString(): string }; value?: unknown } & Record<string, unknown> };
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  sasl_frame(performative: unknown): unknown;
  open(fields: object): Performative;
  begin(fields: object): Performative;
  attach(fields: object): Performative;
  transfer(fields: object): Performative;
  disposition(fields: object): Performative;
  end(fields: object): Performative;
  sasl_init(fields: object): Performative;
}

export const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as RheaFrames;
export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]);
export const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);

export function amqpFrame(channel: number, performative: Performative, payload?: Buffer): Buffer {
  return frames.write_frame(frames.amqp_frame(channel, performative.described(), payload));
}

export const open = (containerId = 'raw') => amqpFrame(0, frames.open({ container_id: containerId }));
export const begin = (channel: number) => amqpFrame(channel, frames.begin({ next_outgoing_id: 0, incoming_window: 100, outgoing_window: 100 }));
export const attach = (channel: number, handle: number, address = '$cbs') =>
  amqpFrame(channel, frames.attach({ name: `raw-${channel}-${handle}`, handle, role: false, target: { address }, initial_delivery_count: 0 }));

export interface DecodedFrame {
  name: string;
  channel: number;
  fields: Record<string, unknown>;
}

/** Splits what the server sent (after its 8-byte protocol header) into frames. */
export function decode(bytes: Buffer): DecodedFrame[] {
  const out: DecodedFrame[] = [];
  let at = 8;
  while (at + 4 <= bytes.length) {
    const size = bytes.readUInt32BE(at);
    if (size < 8 || at + size > bytes.length) break;
    const frame = frames.read_frame(bytes.subarray(at, at + size));
    if (frame.performative) out.push({ name: frame.performative.constructor.toString().split('#')[0] ?? '', channel: frame.channel, fields: frame.performative });
    at += size;
  }
  return out;
}

/** The error condition of the server's close frame, if it sent one. */
export function closeCondition(bytes: Buffer): string | undefined {
  const close = decode(bytes).find((f) => f.name === 'close');
  return (close?.fields['error'] as { condition?: string } | undefined)?.condition;
}

export interface RawPeer {
  socket: Socket;
  received(): Buffer;
  write(...chunks: Buffer[]): void;
  /** Resolves with everything received once the server has closed the socket. */
  closed: Promise<Buffer>;
  /** Bytes written so far (what the server may have read). */
  written(): number;
}

export function rawPeer(port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let written = 0;
    let closedResolve: (bytes: Buffer) => void = () => undefined;
    const closed = new Promise<Buffer>((r) => (closedResolve = r));
    const socket = connect({ port, host: '127.0.0.1' }, () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        write: (...data) => {
          for (const chunk of data) {
            written += chunk.length;
            socket.write(chunk);
          }
        },
        closed,
        written: () => written,
      }),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => closedResolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

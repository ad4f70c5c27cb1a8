// Batches the frames rhea writes for one server connection. Stock rhea encodes each frame into its own zero-filled
// buffer (1 KB, then 2 KB once a 1 KB event does not fit), writes it to the socket on its own and re-arms the
// heartbeat timer, once per frame: with a consumer's prefetch window of deliveries that was the emulator's largest
// cost (profiled: ~20 % of its CPU). Here each frame is encoded into a right-sized pooled buffer and the frames of
// one processing pass are written at once, in the order rhea would have written them. Relies on rhea 3.0.x internals
// (`_process`, `_write_frame`, `amqp_transport`), pinned in package.json; the eventhubs tests exercise every path.
import type { Socket } from 'node:net';
import rhea, { type Connection } from 'rhea';
import { wholeValue } from './wholeFrames.ts';

export interface Frame {
  channel: number;
  /** A described performative (rhea's frame objects); absent for an empty (heartbeat) frame. */
  performative?: unknown;
  payload?: Buffer;
}

interface AmqpWriter {
  buffer: Buffer;
  position: number;
  skip(bytes: number): void;
  write_uint(value: number, width: number): void;
  write(value: unknown): void;
  write_bytes(bytes: Buffer): void;
  toBuffer(): Buffer;
}
const Writer = (rhea.types as unknown as { Writer: new (buffer?: Buffer) => AmqpWriter }).Writer;

/** Room for a performative (a transfer's is ~30 bytes); the writer grows if a frame needs more. */
const PERFORMATIVE_ROOM = 128;
const FRAME_TYPE_AMQP = 0x00;

/** One AMQP frame, exactly as rhea's own frame writer encodes it, in a buffer that small frames take from Node's pool. */
export function encodeFrame(frame: Frame): Buffer {
  const writer = new Writer(Buffer.allocUnsafe(PERFORMATIVE_ROOM + (frame.payload?.length ?? 0)));
  writer.skip(4); // size, filled in below
  writer.write_uint(2, 1); // data offset in 4-byte words: no extended header
  writer.write_uint(FRAME_TYPE_AMQP, 1);
  writer.write_uint(frame.channel, 2);
  if (frame.performative) {
    writer.write(frame.performative);
    if (frame.payload) writer.write_bytes(frame.payload);
  }
  const bytes = writer.toBuffer();
  bytes.writeUInt32BE(bytes.length, 0);
  return bytes;
}

interface FrameQueue {
  encode(frame: { performative?: unknown }): void;
}

/** The SASL layer queues its frames on its own transport (one of two, when the client may skip SASL). */
function wholeSaslFrames(internals: ConnectionInternals): void {
  const layer = internals.sasl_transport;
  const queue = layer?.transport ?? layer?.transports?.[3]?.transport;
  if (!queue) return;
  const encode = queue.encode.bind(queue);
  queue.encode = (frame) => encode({ ...frame, performative: wholeValue(frame.performative) });
}

interface ConnectionInternals {
  sasl_transport?: { transport?: FrameQueue; transports?: Record<number, { transport?: FrameQueue }> };
  socket?: Socket;
  socket_ready?: boolean;
  amqp_transport: { header_sent?: unknown };
  _process(): void;
  _write_frame(channel?: number, performative?: unknown, payload?: Buffer): void;
  output(): void;
}

/**
 * From now on, the frames of each of the connection's processing passes go out in one socket write, and every frame
 * (SASL included) goes out with all its fields (wholeFrames.ts).
 */
export function batchFrameWrites(connection: Connection): void {
  const internals = connection as unknown as ConnectionInternals;
  const processPass = internals._process.bind(connection);
  const writeFrame = internals._write_frame.bind(connection);
  let held: Buffer[] | undefined;

  wholeSaslFrames(internals);
  internals._write_frame = (channel, performative, payload) => {
    const whole = performative === undefined ? undefined : wholeValue(performative);
    // Before the AMQP header is out (or outside a pass: heartbeats, replies to input) rhea writes as usual.
    if (!held || !internals.amqp_transport.header_sent || !internals.socket_ready) return writeFrame(channel, whole, payload);
    // Encoded now, not at the end of the pass: rhea reuses performative objects (a close's error is cleared right
    // after it is written).
    held.push(encodeFrame({ channel: channel ?? 0, performative: whole, payload }));
  };
  internals._process = () => {
    const outer = held;
    held = outer ?? [];
    try {
      processPass();
    } finally {
      if (!outer) {
        const frames = held;
        held = undefined;
        if (frames.length > 0 && internals.socket) {
          internals.socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
          internals.output(); // rhea's bookkeeping after a write: heartbeat timer, ending a closed connection
        }
      }
    }
  };
}

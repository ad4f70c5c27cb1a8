// Bounds what one connection can make the emulator hold, above all before it has authenticated: rhea itself buffers a
// frame of any announced size (a header saying 0xFFFFFFF0 bytes was buffered until memory ran out) and opens as many
// sessions and links as a peer asks for. Real clients stay far below every limit here.
import { Conditions, type AmqpError } from './errors.ts';

export interface ConnectionLimits {
  /** The max-frame-size announced in our open and enforced on every frame after the peer's open. */
  maxFrameSize: number;
  /** The highest channel (session) number, announced as channel-max; sessions are capped at channelMax + 1. */
  channelMax: number;
  /** The highest link handle in a session, announced as handle-max. */
  handleMax: number;
  /** Links open at once on one connection, all sessions together. */
  maxLinks: number;
  /** Links open at once before a token has been accepted: only $cbs (and $management) links make sense then. */
  linksBeforeAuth: number;
  /** A connection that has not had a token accepted on $cbs this long after it was accepted is closed. */
  authDeadlineMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  // A full batch (1 MiB) plus its transfer's performative in one frame, as before this limit existed. The service
  // announces 256 KiB (AMQP protocol guide); clients would then split each full batch into five frames, which costs
  // them and the emulator a copy per batch, and changes nothing else they do.
  maxFrameSize: 1_114_112,
  // The .NET client opens one session per link and a Functions app a few dozen links per connection; 1,000 of each
  // is far beyond any client and small enough that a hostile one cannot make the emulator hold much.
  channelMax: 999,
  handleMax: 999,
  maxLinks: 1_000,
  // The clients attach a $cbs pair (and perhaps a $management pair) before their first token.
  linksBeforeAuth: 16,
  // The service closes a connection that has opened no link within 60 s ("The connection was inactive for more than
  // the allowed 60000 milliseconds"); a connection here must have authenticated by then.
  authDeadlineMs: 60_000,
};

/** How far a peer may fall behind reading what we write before we stop reading from it and stop feeding its consumers. */
export const WRITE_BUFFER_LIMIT = 8 * 1024 * 1024;

/** AMQP 1.0 §2.4.1: until the open frames are exchanged, no frame may be larger than 512 bytes (SASL frames too). */
export const MIN_MAX_FRAME_SIZE = 512;

/** What a peer did wrong, with the AMQP error the connection is closed with. */
export class ConnectionViolation extends Error {
  readonly condition: string;
  constructor(condition: string, message: string) {
    super(message);
    // rhea reports errors of this name from its input path as protocol errors, as it does its own.
    this.name = 'ProtocolError';
    this.condition = condition;
  }

  get amqpError(): AmqpError {
    return { condition: this.condition, description: this.message };
  }
}

const PROTOCOL_HEADER = 0x414d5150; // "AMQP", read as a frame size

interface FrameReader {
  header_received?: unknown;
  read(buffer: Buffer): number;
}

/** Frames other than transfers (attach, flow, requests' performatives...) carry names and maps, never much data. */
export const CONTROL_FRAME_LIMIT = 64 * 1024;
const TRANSFER_CODE = 0x14;

/** Whether the frame at `at` is a transfer, when its descriptor is in the buffer (undefined when not yet). */
function isTransfer(buffer: Buffer, at: number): boolean | undefined {
  const body = at + (buffer[at + 4] ?? 2) * 4;
  if (body + 3 > buffer.length) return undefined;
  if (buffer[body] !== 0x00) return false;
  if (buffer[body + 1] === 0x53) return buffer[body + 2] === TRANSFER_CODE;
  if (buffer[body + 1] === 0x80 && body + 10 <= buffer.length) return buffer.readUInt32BE(body + 2) === 0 && buffer.readUInt32BE(body + 6) === TRANSFER_CODE;
  return buffer[body + 1] === 0x80 ? undefined : false;
}

/**
 * Checks the size field of every frame in each buffer rhea is about to read, before it buffers any of it: rhea reads
 * from a frame boundary, after the 8-byte protocol header. `limitFor(index)` is the limit for the index-th frame of
 * this buffer; a frame above CONTROL_FRAME_LIMIT must moreover be a transfer (checked once its descriptor is in: rhea
 * calls read again with the whole frame before decoding it).
 */
export function enforceFrameSizes(reader: FrameReader, limitFor: (index: number) => number): void {
  const read = reader.read.bind(reader);
  reader.read = (buffer: Buffer) => {
    let at = reader.header_received ? 0 : 8;
    for (let index = 0; at + 4 <= buffer.length; index++) {
      const size = buffer.readUInt32BE(at);
      // A client that sends the AMQP header right behind its SASL frames: the next layer reads from here.
      if (size === PROTOCOL_HEADER) break;
      const limit = limitFor(index);
      if (size < 8 || size > limit) {
        throw new ConnectionViolation(Conditions.framingError, `A frame of ${size} bytes was received; frames must be 8 to ${limit} bytes on this connection.`);
      }
      if (size > CONTROL_FRAME_LIMIT && isTransfer(buffer, at) === false) {
        throw new ConnectionViolation(Conditions.framingError, `A frame of ${size} bytes that is not a transfer was received; such frames must be at most ${CONTROL_FRAME_LIMIT} bytes.`);
      }
      at += size;
    }
    return read(buffer);
  };
}

interface TransferFrame {
  channel: number;
  performative: { handle: number; more?: boolean; aborted?: boolean };
  payload?: Buffer;
}

/**
 * rhea gathers the frames of a multi-frame delivery until its last one, without a bound. A real client never sends a
 * delivery above the max-message-size the attach announced (1 MiB); one that runs past `perDelivery` bytes, or
 * deliveries in progress that together pass `perConnection`, close the connection.
 */
export function boundIncompleteDeliveries(connection: object, perDelivery: number, perConnection: number): void {
  const internals = connection as Record<'on_transfer' | 'on_detach' | 'on_end', (frame: TransferFrame) => void>;
  const handle = internals.on_transfer.bind(connection);
  const pending = new Map<string, number>();
  let total = 0;
  // A delivery abandoned with its link or session holds nothing any more.
  const forget = (matches: (key: string) => boolean) => {
    for (const [key, size] of pending) {
      if (!matches(key)) continue;
      total -= size;
      pending.delete(key);
    }
  };
  const onDetach = internals.on_detach.bind(connection);
  internals.on_detach = (frame) => {
    forget((key) => key === `${frame.channel}/${frame.performative.handle}`);
    onDetach(frame);
  };
  const onEnd = internals.on_end.bind(connection);
  internals.on_end = (frame) => {
    forget((key) => key.startsWith(`${frame.channel}/`));
    onEnd(frame);
  };
  internals.on_transfer = (frame: TransferFrame) => {
    const more = frame.performative.more === true && frame.performative.aborted !== true;
    if (!more && pending.size === 0) return handle(frame); // the common case: single-frame deliveries
    const key = `${frame.channel}/${frame.performative.handle}`;
    const before = pending.get(key) ?? 0;
    const size = before + (frame.payload?.length ?? 0);
    total -= before;
    if (more) {
      pending.set(key, size);
      total += size;
      if (size > perDelivery || total > perConnection) {
        throw new ConnectionViolation(Conditions.resourceLimitExceeded, `A delivery in progress passed ${size > perDelivery ? perDelivery : perConnection} bytes${size > perDelivery ? '' : ' on this connection'}; the link allows ${perDelivery} at most.`);
      }
    } else {
      pending.delete(key);
    }
    handle(frame);
  };
}

interface SessionInternals {
  links: Record<string, unknown>;
}

interface OpeningFrame {
  channel: number;
  performative: { remote_channel?: number | null; handle?: number };
}

/**
 * Refuses a begin beyond channel-max or the session cap, and an attach beyond handle-max or the link cap (a small one
 * until a token has been accepted), before rhea creates anything for it: the connection is closed with
 * amqp:resource-limit-exceeded.
 */
export function limitSessionsAndLinks(connection: object, limits: ConnectionLimits, authenticated: () => boolean): void {
  const internals = connection as Record<'on_begin' | 'on_attach', (frame: OpeningFrame) => void> & {
    remote_channel_map: Record<number, SessionInternals>;
    local_channel_map: Record<number, SessionInternals>;
  };
  // Every session rhea holds, including one whose channel a second begin took over (rhea keeps both).
  const sessions = () => Object.values(internals.local_channel_map);
  const onBegin = internals.on_begin.bind(connection);
  internals.on_begin = (frame) => {
    const peerInitiated = frame.performative.remote_channel === null || frame.performative.remote_channel === undefined;
    if (peerInitiated && internals.remote_channel_map[frame.channel] !== undefined) {
      throw new ConnectionViolation(Conditions.illegalState, `A begin was received on channel ${frame.channel}, which is in use.`);
    }
    if (peerInitiated && (frame.channel > limits.channelMax || sessions().length > limits.channelMax)) {
      throw new ConnectionViolation(Conditions.resourceLimitExceeded, `At most ${limits.channelMax + 1} sessions (channels 0 to ${limits.channelMax}) per connection.`);
    }
    onBegin(frame);
  };
  const onAttach = internals.on_attach.bind(connection);
  internals.on_attach = (frame) => {
    const links = sessions().reduce((sum, session) => sum + Object.keys(session.links).length, 0);
    if ((frame.performative.handle ?? 0) > limits.handleMax || links >= limits.maxLinks) {
      throw new ConnectionViolation(Conditions.resourceLimitExceeded, `At most ${limits.maxLinks} links per connection (handles 0 to ${limits.handleMax} per session).`);
    }
    if (links >= limits.linksBeforeAuth && !authenticated()) {
      throw new ConnectionViolation(Conditions.resourceLimitExceeded, `At most ${limits.linksBeforeAuth} links before a token has been put on $cbs.`);
    }
    onAttach(frame);
  };
}

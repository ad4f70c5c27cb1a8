// The listening socket: plain TCP (the official emulator's 5672) or TLS (the service's 5671), each accepted socket
// handed to rhea as one AMQP connection. A peer that sends what rhea cannot decode, or breaks a limit, gets an AMQP
// close with the reason and loses only its own connection.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Connection, Container } from 'rhea';
import { boundIncompleteDeliveries, ConnectionViolation, enforceFrameSizes, limitSessionsAndLinks, MIN_MAX_FRAME_SIZE, WRITE_BUFFER_LIMIT, type ConnectionLimits } from './connectionGuard.ts';
import { Conditions, ensureError, type AmqpError } from './errors.ts';
import { batchFrameWrites } from './frameWriter.ts';

/** rhea's server-side entry point, present at runtime but missing from its typings. */
interface ContainerInternals {
  create_connection(options: object): { accept(socket: Socket): Connection };
}

interface FrameReader {
  header_received?: unknown;
  read(buffer: Buffer): number;
}

interface ConnectionInternals {
  socket?: Socket;
  remote: { open?: unknown };
  amqp_transport: FrameReader;
  sasl_transport?: { transport?: FrameReader; transports?: Record<number, { transport?: FrameReader }> };
  is_open(): boolean;
  _process(): void;
}

/**
 * A delivery still arriving may hold twice the 1 MiB the attach announces (a bigger one is refused once complete,
 * with the service's error); all of a connection's together, 16 MiB.
 */
const INCOMPLETE_DELIVERY_LIMIT = 2 * 1_048_576;
const INCOMPLETE_DELIVERIES_LIMIT = 16 * 1_048_576;

export interface SocketServerOptions {
  port: number;
  host: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  limits: ConnectionLimits;
  /** Called for each accepted connection, before any of its input is read. */
  onConnection(connection: Connection): void;
  /** Whether a token has been accepted on the connection. */
  authenticated(connection: Connection): boolean;
  /** Called for each frame dropped because its session is already gone. */
  onLateFrame(connection: Connection, frame: string, channel: number): void;
  /** Called with the reason when a connection's input could not be decoded or broke a limit. */
  onBadInput(connection: Connection, message: string): void;
}

/**
 * Sends an AMQP close carrying `error` and ends the socket once it is written: a peer that broke the rules is not
 * waited for (it may never answer the close).
 */
export function closeWithError(connection: Connection, error: AmqpError): void {
  const internals = connection as unknown as ConnectionInternals;
  try {
    // AMQP wants an open before a close; a peer that is refused before its open has not had ours yet.
    connection.open();
    connection.close({ condition: error.condition, description: error.description.slice(0, 300) });
    internals._process();
  } catch {
    // The socket is being torn down anyway.
  }
  const socket = internals.socket;
  if (socket && !socket.destroyed) {
    socket.end();
    setTimeout(() => socket.destroy(), 1_000).unref();
  }
}

/** Stops reading from a peer that does not read what it is sent, until it catches up. */
function applyBackpressure(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  (socket as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    const flushed = write(...args);
    if (!flushed && socket.writableLength > WRITE_BUFFER_LIMIT && !socket.isPaused()) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
    return flushed;
  };
}

/**
 * Frames that arrive for a session that is already gone are dropped, not treated as a protocol error (rhea's way,
 * which closes the whole connection). A client may send them legitimately late: rhea (so the JavaScript client)
 * keeps settling deliveries, and so writes dispositions, after it has sent its end and before ours arrives; the
 * Python client ends its session and then detaches the links it still had in it. Closing the connection for that
 * left the JavaScript client waiting for answers to the other closes it had in flight, its $cbs link among them,
 * until its 60-second operation timeout (docs/eventhubs-emulator.md, "The $cbs close timeout").
 */
function dropLateFrames(connection: Connection, onDropped: (frame: string, channel: number) => void): void {
  const internals = connection as unknown as Record<string, unknown> & { remote_channel_map: Record<number, unknown> };
  for (const name of ['detach', 'end', 'disposition', 'flow', 'transfer']) {
    const handle = (internals[`on_${name}`] as (frame: { channel: number }) => void).bind(connection);
    internals[`on_${name}`] = (frame: { channel: number }) => {
      if (internals.remote_channel_map[frame.channel] !== undefined) return handle(frame);
      onDropped(name, frame.channel);
    };
  }
}

function guardFrameSizes(connection: Connection, limits: ConnectionLimits): void {
  const internals = connection as unknown as ConnectionInternals;
  // The peer's first AMQP frame is its open: up to 512 bytes until it has been read, the announced size after it.
  enforceFrameSizes(internals.amqp_transport, (index) => (internals.remote.open === undefined && index === 0 ? MIN_MAX_FRAME_SIZE : limits.maxFrameSize));
  const sasl = internals.sasl_transport?.transport ?? internals.sasl_transport?.transports?.[3]?.transport;
  if (sasl) enforceFrameSizes(sasl, () => MIN_MAX_FRAME_SIZE);
}

export async function listenForAmqp(container: Container, options: SocketServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const { limits } = options;
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    applyBackpressure(socket);
    const connection = (container as unknown as ContainerInternals)
      .create_connection({ max_frame_size: limits.maxFrameSize, channel_max: limits.channelMax, idle_time_out: 240_000 })
      .accept(socket);
    batchFrameWrites(connection);
    guardFrameSizes(connection, limits);
    dropLateFrames(connection, (frame, channel) => options.onLateFrame(connection, frame, channel));
    boundIncompleteDeliveries(connection, INCOMPLETE_DELIVERY_LIMIT, INCOMPLETE_DELIVERIES_LIMIT);
    limitSessionsAndLinks(connection, limits, () => options.authenticated(connection));
    options.onConnection(connection);
    // rhea reports undecodable input (and errors thrown by our handlers) on the connection. Writing the close frame
    // now, before rhea ends the socket, lets the peer see why.
    const onBadInput = (error: unknown) => {
      const message = ensureError(error).message;
      options.onBadInput(connection, message);
      const condition = error instanceof ConnectionViolation ? error.condition : Conditions.decodeError;
      closeWithError(connection, { condition, description: message });
    };
    connection.on('protocol_error', onBadInput);
    connection.on('error', onBadInput);
  };
  const server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onSocket) : createServer(onSocket);
  server.listen({ port: options.port, host: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

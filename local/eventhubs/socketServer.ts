// The listening socket: plain TCP (the official emulator's 5672) or TLS (the service's 5671, for the managed identity
// tests), each accepted socket handed to rhea as one AMQP connection. A peer that sends what rhea cannot decode gets
// an AMQP close with the reason and loses only its own connection.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Connection, Container } from 'rhea';
import { Conditions, ensureError } from './errors.ts';
import { batchFrameWrites } from './frameWriter.ts';

/** rhea's server-side entry point, present at runtime but missing from its typings. */
interface ContainerInternals {
  create_connection(options: object): { accept(socket: Socket): Connection };
}

export interface SocketServerOptions {
  port: number;
  host: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Called with the reason when a connection's input could not be decoded. */
  onBadInput(connection: Connection, message: string): void;
}

export async function listenForAmqp(container: Container, options: SocketServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const connection = (container as unknown as ContainerInternals).create_connection({}).accept(socket);
    batchFrameWrites(connection);
    // rhea reports undecodable input (and errors thrown by our handlers) on the connection. Writing the close frame
    // now, before rhea ends the socket, lets the peer see why.
    const onBadInput = (error: unknown) => {
      const message = ensureError(error).message;
      options.onBadInput(connection, message);
      try {
        // AMQP wants an open before a close; a peer that sent garbage before its open has not had ours yet.
        connection.open();
        connection.close({ condition: Conditions.decodeError, description: message.slice(0, 200) });
        (connection as unknown as { _process(): void })._process();
      } catch {
        // The socket is being torn down by rhea anyway.
      }
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

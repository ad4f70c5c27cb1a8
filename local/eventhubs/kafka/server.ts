// The Kafka listener beside the AMQP one: plain TCP, or TLS when the emulator serves AMQPS (Event Hubs serves Kafka
// on 9093 with TLS only; a local emulator on plain TCP is SASL_PLAINTEXT to clients, with TLS SASL_SSL).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { EventStore } from '../eventStore.ts';
import type { SasKey } from '../sas.ts';
import type { EmulatorLogger } from '../server.ts';
import { serveConnection } from './connection.ts';
import type { KafkaContext, Session } from './context.ts';
import type { Group } from './groups.ts';
import { CommittedOffsets } from './offsets.ts';

export const DEFAULT_KAFKA_PORT = 9092;

export interface KafkaServerOptions {
  port: number;
  host: string;
  store: EventStore;
  hubNames: string[];
  namespace: string;
  key: SasKey;
  logger: EmulatorLogger;
  dataDir?: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The host name Metadata gives clients; by default the address each client connected to. */
  advertisedHost?: string;
}

export interface RunningKafkaServer {
  port: number;
  listening(): boolean;
  close(): Promise<void>;
}

function localHost(socket: Socket): string {
  const servername = (socket as TLSSocket).servername;
  if (typeof servername === 'string' && servername !== '') return servername;
  const address = socket.localAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export async function listenForKafka(options: KafkaServerOptions): Promise<RunningKafkaServer> {
  const sockets = new Set<Socket>();
  const groups = new Map<string, Group>();
  let bound = 0;
  const context: KafkaContext = {
    store: options.store,
    hubNames: options.hubNames,
    key: options.key,
    logger: options.logger,
    clusterId: options.namespace,
    groups,
    offsets: new CommittedOffsets(options.dataDir),
    port: () => bound,
    advertisedHost: options.advertisedHost,
  };
  let nextId = 1;
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let closed: () => void = () => undefined;
    const session: Session = {
      id: nextId++,
      clientId: '',
      localHost: localHost(socket),
      rawSaslNext: false,
      authenticated: false,
      scope: '',
      closed: false,
      onClose: new Promise<void>((resolve) => (closed = resolve)),
      closeAfterResponse: () => undefined,
    };
    options.logger.debug(`[kafka conn ${session.id}] opened from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    serveConnection(socket, session, context, () => {
      sockets.delete(socket);
      closed();
    });
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
    : createServer(onSocket);
  // A TLS handshake that fails (a plain-text client, say) must not take the server down.
  server.on('tlsClientError', (error: Error) => options.logger.debug(`[kafka] TLS handshake failed: ${error.message}`));
  server.listen({ port: options.port, host: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    listening: () => server.listening,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        for (const group of groups.values()) group.close();
      }),
  };
}

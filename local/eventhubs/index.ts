// The programmatic entry point: start an Event Hubs emulator that the unmodified @azure/event-hubs client can use.
import { DEFAULT_CONFIG, validateConfig, type EmulatorConfig } from './config.ts';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connectionGuard.ts';
import { EventStore } from './eventStore.ts';
import type { EntraTrust } from './entra.ts';
import { DEV_SAS_KEY } from './sas.ts';
import { dice } from '../dice.ts';
import { listen, SILENT_LOGGER, type EmulatorLogger } from './server.ts';
import { DEFAULT_KAFKA_PORT, listenForKafka, type RunningKafkaServer } from './kafka/server.ts';

export { DEFAULT_CONFIG, LIMITS, validateConfig } from './config.ts';
export type { EmulatorConfig, EventHubEntityConfig, ConsumerGroupConfig, NamespaceConfig, HubDefinition } from './config.ts';
export { EmulatorError, EmulatorConfigError, EmulatorStorageError } from './errors.ts';
export type { EmulatorLogger } from './server.ts';
export type { EntraTrust } from './entra.ts';
export { DEV_SAS_KEY } from './sas.ts';
export { DEFAULT_CONNECTION_LIMITS } from './connectionGuard.ts';
export type { ConnectionLimits } from './connectionGuard.ts';

export const DEFAULT_PORT = 5672;
export { DEFAULT_KAFKA_PORT };
const IN_MEMORY_RETENTION_MS = 60 * 60 * 1000;

export interface StartOptions {
  /** 5672 by default; 0 lets the OS pick one (read it from the result). */
  port?: number;
  /** 127.0.0.1 by default, so nothing outside this machine can reach an emulator with a published key. */
  host?: string;
  config?: EmulatorConfig;
  /** Keep each partition's log in this folder so a restart loses nothing; in memory when absent. */
  dataDir?: string;
  /** How long events are kept: 1 hour in memory, unlimited with dataDir, unless set. */
  retentionMs?: number;
  /** One debug line per connection and link; silent by default. */
  logger?: EmulatorLogger;
  /**
   * Refuses this fraction of producer sends with com.microsoft:server-busy, as a namespace over its throughput units
   * does (rolled with a seeded die): for testing a producer's retries. Off by default.
   */
  throttle?: { serverBusyRate: number; seed?: number };
  /**
   * For tests of the managed identity path: serve AMQPS with this certificate (clients connect with the namespace
   * `localhost:<port>` and a TokenCredential) and accept Entra ID tokens signed by this issuer. Off by default: the
   * connection string path is plain TCP with SAS, as the official emulator.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  entra?: EntraTrust;
  /**
   * The Kafka endpoint on the same hubs (see docs/eventhubs-emulator.md#kafka): on 9092 beside the default AMQP port, on a free
   * port beside any other, TLS when `tls` is set; `false` serves AMQP only. `advertisedHost` is the host Metadata names
   * (default: the address each client connected to).
   */
  kafka?: false | { port?: number; advertisedHost?: string };
  /** Per-connection bounds (frame size, sessions, links, time to authenticate); DEFAULT_CONNECTION_LIMITS otherwise. */
  limits?: Partial<ConnectionLimits>;
}

export interface RunningEmulator {
  port: number;
  /** The official emulator's connection string (without EntityPath), pointing at the port actually bound. */
  connectionString: string;
  /** The hubs the emulator serves. */
  hubs: string[];
  /** How many sends `throttle` has refused so far. */
  throttledSends(): number;
  /** The Kafka endpoint, unless `kafka: false`. */
  kafka?: { port: number; bootstrapServer: string };
  /** True while both protocols' listeners accept connections. */
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * With `tls` the string leaves out `UseDevelopmentEmulator=true` (which makes clients dial plain TCP): they dial
 * AMQPS on the given port, trusting the certificate as their platform does (NODE_EXTRA_CA_CERTS, `connection_verify`).
 */
export function emulatorConnectionString(port: number, entityPath?: string, options: { tls?: boolean } = {}): string {
  const endpoint = port === DEFAULT_PORT ? 'sb://localhost' : `sb://localhost:${port}`;
  const parts = [`Endpoint=${endpoint}`, `SharedAccessKeyName=${DEV_SAS_KEY.keyName}`, `SharedAccessKey=${DEV_SAS_KEY.key}`];
  if (!options.tls) parts.push('UseDevelopmentEmulator=true');
  if (entityPath) parts.push(`EntityPath=${entityPath}`);
  return `${parts.join(';')};`;
}

function throttleDie(throttle: StartOptions['throttle']): { throttled?: () => boolean; count: () => number } {
  if (!throttle || throttle.serverBusyRate <= 0) return { count: () => 0 };
  const roll = dice(throttle.seed ?? 1);
  let refused = 0;
  const throttled = () => {
    if (roll() >= throttle.serverBusyRate) return false;
    refused++;
    return true;
  };
  return { throttled, count: () => refused };
}

export async function start(options: StartOptions = {}): Promise<RunningEmulator> {
  const hubs = validateConfig(options.config ?? DEFAULT_CONFIG);
  const retentionMs = options.retentionMs ?? (options.dataDir ? undefined : IN_MEMORY_RETENTION_MS);
  const store = new EventStore(hubs, { dataDir: options.dataDir, retentionMs });
  const throttle = throttleDie(options.throttle);
  let server;
  try {
    server = await listen({
      port: options.port ?? DEFAULT_PORT,
      host: options.host ?? '127.0.0.1',
      store,
      key: DEV_SAS_KEY,
      logger: options.logger ?? SILENT_LOGGER,
      throttled: throttle.throttled,
      tls: options.tls,
      entra: options.entra,
      limits: { ...DEFAULT_CONNECTION_LIMITS, ...options.limits },
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const running = server;
  let kafka: RunningKafkaServer | undefined;
  if (options.kafka !== false) {
    try {
      kafka = await listenForKafka({
        // 9092 beside the default 5672; beside any other AMQP port (a test's, a restart on the port it had) a free one,
        // so an emulator never competes for 9092 unless asked to.
        port: options.kafka?.port ?? ((options.port ?? DEFAULT_PORT) === DEFAULT_PORT ? DEFAULT_KAFKA_PORT : 0),
        host: options.host ?? '127.0.0.1',
        store,
        hubNames: hubs.map((h) => h.name),
        namespace: namespaceName(options.config ?? DEFAULT_CONFIG),
        key: DEV_SAS_KEY,
        logger: options.logger ?? SILENT_LOGGER,
        dataDir: options.dataDir,
        tls: options.tls,
        advertisedHost: options.kafka?.advertisedHost,
      });
    } catch (error) {
      await running.close();
      await store.close();
      throw error;
    }
  }
  let open = true;
  const kafkaServer = kafka;
  return {
    port: running.port,
    connectionString: emulatorConnectionString(running.port, undefined, { tls: options.tls !== undefined }),
    hubs: hubs.map((h) => h.name),
    throttledSends: throttle.count,
    kafka: kafkaServer ? { port: kafkaServer.port, bootstrapServer: `localhost:${kafkaServer.port}` } : undefined,
    ready: () => open && (kafkaServer?.listening() ?? true),
    close: async () => {
      open = false;
      await Promise.all([running.close(), kafkaServer?.close()]);
      await store.close();
    },
  };
}

function namespaceName(config: EmulatorConfig): string {
  return config.UserConfig.NamespaceConfig[0]?.Name ?? 'emulatorNs1';
}

// Standalone CLI: `npm run eventhubs-emulator -- --help`. Runs in the foreground until Ctrl-C.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_KAFKA_PORT, DEFAULT_PORT, EmulatorError, emulatorConnectionString, start, type EmulatorConfig, type EmulatorLogger } from './index.ts';

const USAGE = `Usage: npm run eventhubs-emulator -- [options]

An in-process Event Hubs emulator (AMQP 1.0 on plain TCP, or AMQPS with --tls-cert) for the @azure/event-hubs,
.NET and Python clients, with a Kafka endpoint on the same hubs (SASL PLAIN, username $ConnectionString, the
connection string as password; SASL_SSL with --tls-cert).

Options:
  --port N               port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST            address to bind (default 127.0.0.1)
  --kafka-port N         Kafka port (default ${DEFAULT_KAFKA_PORT} beside AMQP's ${DEFAULT_PORT}, else a free one; 0 picks one)
  --config FILE          hubs in the official emulator's Config.json shape (default: temperatures, 4 partitions)
  --data-dir DIR         keep each partition's log in DIR so a restart loses nothing (default: in memory)
  --retention-minutes N  drop events older than N minutes (default 60 in memory, unlimited with --data-dir)
  --server-busy-rate R   refuse this fraction (0-1) of sends as throttled (com.microsoft:server-busy), to test
                         a producer's retries (default 0)
  --tls-cert FILE        serve AMQPS (TLS) with this PEM certificate, as the service does on 5671 (with --tls-key)
  --tls-key FILE         the PEM private key of --tls-cert
  --verbose              log one line per connection and link
  --help                 show this help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'kafka-port': { type: 'string' },
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'retention-minutes': { type: 'string' },
        'server-busy-rate': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got '${value}'`);
  return n;
}

function readTls(certPath: string | undefined, keyPath: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) fail('--tls-cert and --tls-key go together');
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      return fail(`cannot read --${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return { cert: read(certPath, 'tls-cert'), key: read(keyPath, 'tls-key') };
}

function readConfig(path: string | undefined): EmulatorConfig | undefined {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EmulatorConfig;
  } catch (error) {
    return fail(`cannot read --config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const consoleLogger: EmulatorLogger = {
  debug: (message) => process.stderr.write(`[eventhubs] ${message}\n`),
  warn: (message) => process.stderr.write(`[eventhubs] warning: ${message}\n`),
};

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const retentionMinutes = number(args['retention-minutes'], 'retention-minutes');
  const serverBusyRate = number(args['server-busy-rate'], 'server-busy-rate') ?? 0;
  if (serverBusyRate > 1) fail(`--server-busy-rate must be at most 1, got '${serverBusyRate}'`);
  const tls = readTls(args['tls-cert'], args['tls-key']);
  const emulator = await start({
    port: number(args.port, 'port') ?? DEFAULT_PORT,
    host: args.host,
    config: readConfig(args.config),
    dataDir: args['data-dir'],
    retentionMs: retentionMinutes === undefined ? undefined : retentionMinutes * 60_000,
    logger: args.verbose ? consoleLogger : { debug: () => undefined, warn: consoleLogger.warn },
    throttle: serverBusyRate > 0 ? { serverBusyRate, seed: Date.now() } : undefined,
    kafka: { port: number(args['kafka-port'], 'kafka-port') },
    tls,
  }).catch((error: unknown) => {
    if (error instanceof EmulatorError) fail(error.message);
    throw error;
  });
  process.stdout.write(
    `Event Hubs emulator listening on port ${emulator.port} (hubs: ${emulator.hubs.join(', ')})\n` +
      `${emulatorConnectionString(emulator.port, emulator.hubs[0], { tls: tls !== undefined })}\n` +
      `Kafka: bootstrap.servers=localhost:${emulator.kafka?.port ?? ''}, ${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}, PLAIN, username $ConnectionString, password the connection string\n`,
  );
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) await main();

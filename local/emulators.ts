// `npm run emulators`: Azurite (blob, queue, table) and the Event Hubs emulator (AMQP and Kafka) in the foreground,
// with the connection strings and Kafka settings printed and a health endpoint like the official emulator's; Ctrl-C
// stops all. `--help` lists the options; a port that is taken is named with the option that moves it.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { startAzurite, type RunningAzurite } from './azurite.ts';
import { consoleLogger } from './eventhubs/cli.ts';
import { DEFAULT_HEALTH_PORT, startHealthEndpoint, type RunningHealth } from './eventhubs/health.ts';
import { DEFAULT_KAFKA_PORT, DEFAULT_PORT, DEV_SAS_KEY, emulatorConnectionString, start as startEventHubs, type RunningEmulator } from './eventhubs/index.ts';

const USAGE = `Usage: npm run emulators -- [options]

Azurite (Blob, Queue, Table) and the Event Hubs emulator (AMQP and Kafka) in the foreground; prints the connection
strings and the Kafka client settings; Ctrl-C stops them.

Options:
  --blob-port N      Azurite Blob port (default 10000)
  --queue-port N     Azurite Queue port (default 10001)
  --table-port N     Azurite Table port (default 10002)
  --amqp-port N      Event Hubs AMQP port (default ${DEFAULT_PORT}; 5671 with --tls-cert)
  --kafka-port N     Event Hubs Kafka port (default ${DEFAULT_KAFKA_PORT}; 9093 with --tls-cert)
  --health-port N    health endpoint, GET /health (default ${DEFAULT_HEALTH_PORT})
  --host HOST        address to bind (default 127.0.0.1)
  --data-dir DIR     keep Event Hubs partitions and Kafka group offsets in DIR across restarts (default: in memory)
  --tls-cert FILE    serve Event Hubs over TLS (AMQPS; Kafka SASL_SSL) with this PEM certificate...
  --tls-key FILE     ...and this PEM key
  --verbose          log Event Hubs connections and links
  --help             show this help
A port of 0 picks a free one (printed at start).

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 bad options or a port in use.`;

function fail(message: string, usage = true): never {
  process.stderr.write(`${message}\n${usage ? `\n${USAGE}\n` : ''}`);
  process.exit(2);
}

function parse() {
  try {
    const ports = ['blob-port', 'queue-port', 'table-port', 'amqp-port', 'kafka-port', 'health-port'] as const;
    return parseArgs({
      options: {
        ...Object.fromEntries(ports.map((name) => [name, { type: 'string' as const }])),
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function port(args: Record<string, string | boolean | undefined>, name: string, fallback: number): number {
  const value = args[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n > 65535) fail(`--${name} must be a port number from 0 to 65535, got '${String(value)}'`);
  return n;
}

function isFree(portNumber: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(portNumber, host, () => probe.close(() => resolve(true)));
  });
}

const args = parse();
if (args['help']) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const host = String(args['host']);
const tlsFiles = [args['tls-cert'], args['tls-key']];
if (tlsFiles.filter((f) => f !== undefined).length === 1) fail('--tls-cert and --tls-key go together');
let tls: { cert: Buffer; key: Buffer } | undefined;
if (typeof args['tls-cert'] === 'string' && typeof args['tls-key'] === 'string') {
  try {
    tls = { cert: readFileSync(args['tls-cert']), key: readFileSync(args['tls-key']) };
  } catch (error) {
    fail(`cannot read the TLS files: ${error instanceof Error ? error.message : String(error)}`, false);
  }
}
const ports = {
  'blob-port': port(args, 'blob-port', 10000),
  'queue-port': port(args, 'queue-port', 10001),
  'table-port': port(args, 'table-port', 10002),
  'amqp-port': port(args, 'amqp-port', tls ? 5671 : DEFAULT_PORT),
  'kafka-port': port(args, 'kafka-port', tls ? 9093 : DEFAULT_KAFKA_PORT),
  'health-port': port(args, 'health-port', DEFAULT_HEALTH_PORT),
};
const labels: Record<keyof typeof ports, string> = {
  'blob-port': 'Azurite Blob', 'queue-port': 'Azurite Queue', 'table-port': 'Azurite Table',
  'amqp-port': 'Event Hubs AMQP', 'kafka-port': 'Event Hubs Kafka', 'health-port': 'the health endpoint',
};
for (const [option, value] of Object.entries(ports) as Array<[keyof typeof ports, number]>) {
  if (value !== 0 && !(await isFree(value, host))) {
    fail(`Port ${value} (${labels[option]}) is in use: stop what holds it, or choose another with --${option} N (0 picks a free one).`, false);
  }
}

// Ctrl-C is honoured from here on, also while a service is still starting (Azurite takes seconds): stop() waits for
// the start in flight, then stops everything started, and nothing new starts once stopping; so no child process (Azurite)
// outlives this one.
const started: Array<{ close(): Promise<void> }> = [];
let inFlight: Promise<unknown> = Promise.resolve();
let stopping = false;
async function stop(code = 0): Promise<never> {
  stopping = true;
  await inFlight.catch(() => undefined);
  await Promise.allSettled(started.map((service) => service.close()));
  process.exit(code);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
function keep<T extends { close(): Promise<void> }>(start: () => Promise<T>): Promise<T> {
  if (stopping) return new Promise<T>(() => undefined); // stop() is about to exit
  const starting = start().then((service) => {
    started.push(service);
    return service;
  });
  inFlight = starting;
  return starting;
}

let eventHubs: RunningEmulator | undefined;
let azurite: RunningAzurite | undefined;
let health: RunningHealth | undefined;
try {
  health = await keep(() => startHealthEndpoint({
    port: ports['health-port'],
    host,
    target: { host, ports: () => (eventHubs?.ready() ? [eventHubs.port, ...(eventHubs.kafka ? [eventHubs.kafka.port] : [])] : undefined) },
  }));
  // Said at once, so that a supervisor (or a test on port 0) can watch the start from its first second.
  process.stdout.write(`Starting: ${health.url} answers 503 until everything is up\n`);
  azurite = await keep(() => startAzurite({ blobPort: ports['blob-port'], queuePort: ports['queue-port'], tablePort: ports['table-port'], host }));
  eventHubs = await keep(() => startEventHubs({
    port: ports['amqp-port'],
    host,
    dataDir: typeof args['data-dir'] === 'string' ? args['data-dir'] : undefined,
    tls,
    kafka: { port: ports['kafka-port'] },
    logger: args['verbose'] ? consoleLogger : { debug: () => undefined, warn: consoleLogger.warn },
  }));
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(code === 'EADDRINUSE'
    ? `A port is in use (${(error as Error).message}): choose others with the port options.\n`
    : `Cannot start the emulators: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(2);
}

const running = eventHubs as RunningEmulator;
const hub = running.hubs[0];
const amqpString = tls
  ? `Endpoint=sb://localhost:${running.port};SharedAccessKeyName=${DEV_SAS_KEY.keyName};SharedAccessKey=${DEV_SAS_KEY.key};EntityPath=${hub ?? ''}`
  : emulatorConnectionString(running.port, hub);
const kafkaPort = running.kafka?.port ?? 0;
process.stdout.write(
  [
    'Emulators running (Ctrl-C to stop).',
    `Storage (Azurite):  ${(azurite as RunningAzurite).connectionString}`,
    `Event Hubs:         ${amqpString}`,
    `Kafka:              bootstrap.servers=localhost:${kafkaPort}`,
    `                    security.protocol=${tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    '                    sasl.mechanism=PLAIN',
    '                    sasl.username=$ConnectionString',
    `                    sasl.password=${running.connectionString}`,
    ...(tls && typeof args['tls-cert'] === 'string' ? [`                    ssl.ca.location=${args['tls-cert']}`] : []),
    `Health:             ${(health as RunningHealth).url}`,
    '',
  ].join('\n'),
);


// Throughput of the Event Hubs emulator with the real client (1 KB events in full 1 MB batches, loopback), next to a
// raw rhea loop doing the same transport work in the same run, so the figure reads as a fraction of what rhea allows.
// Each server (emulator or raw rhea) runs in a child process, so client and server never share an event loop, and
// both report their CPU time: on a shared machine CPU µs per event is the steadier figure, wall events/s the headline.
// `npm run bench:eventhubs` (EVENTHUBS_BENCH_EVENTS=N, EVENTHUBS_BENCH_PROFILE=DIR for --cpu-prof of both). Not a test.
// Last measured (2 cores, load average 5-8, 100 000 events): emulator 6 000-16 600 events/s, raw rhea 11 900-28 500,
// wall ratio 0.44-0.63; server CPU 20-28 µs/event (raw rhea server 19-26), real client 38-51 µs/event (raw client
// 13-19): the real client, not the emulator, bounds the figure. Details: docs/eventhubs-emulator.md#throughput.
// A third loop sends the same events through the Kafka endpoint with kafkajs; Kafka / AMQP was 1.89 and 0.95 in two
// runs (load average 26 and 20), server CPU 36.6-39.9 µs/event against AMQP's 37.0-44.4; the target is >= 0.8.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { Kafka, logLevel } from 'kafkajs';
import rhea, { type EventContext, type Sender } from 'rhea';
import { start } from '../local/eventhubs/index.ts';

const EVENT_BYTES = 1024;
const PARTITIONS = ['0', '1', '2', '3'];
const BATCH_FORMAT = 0x80013700;
/** Credit the consumers keep open; the real client's prefetchCount. */
const PREFETCH = 2000;

export interface EventHubsBenchResult {
  name: string;
  events: number;
  eventBytes: number;
  eventsPerBatch: number;
  /** Events per second through the emulator with the real client, send and receive overlapping. */
  emulatorEventsPerSecond: number;
  /** Events per second for the raw rhea loop (same batches, same split into one delivery per event). */
  rawRheaEventsPerSecond: number;
  /** emulator / raw, wall clock. */
  ratio: number;
  /** Server CPU per event (user+system), emulator and raw rhea server: steadier than wall time on a loaded machine. */
  emulatorServerCpuMicrosPerEvent: number;
  rawServerCpuMicrosPerEvent: number;
  /** Client CPU per event: the real @azure/event-hubs client, and the raw rhea client. */
  emulatorClientCpuMicrosPerEvent: number;
  rawClientCpuMicrosPerEvent: number;
  /** Events per second through the emulator's Kafka endpoint with kafkajs, the same events in batches of the same size. */
  kafkaEventsPerSecond: number;
  /** Kafka / AMQP (the emulator with the real @azure/event-hubs client), wall clock; the target is ≥ 0.8. */
  kafkaToAmqpRatio: number;
  kafkaServerCpuMicrosPerEvent: number;
  kafkaClientCpuMicrosPerEvent: number;
}

interface Run { seconds: number; serverCpuMs: number; clientCpuMs: number; eventsPerBatch: number }

// ---- child side: a server that reports its port, then its CPU time when asked ----

/** The raw baseline's server: splits each batch into its encoded events and delivers each one, as the emulator does. */
async function rawServer(): Promise<number> {
  const container = rhea.create_container({ id: 'raw-server' });
  const queues = new Map<string, { events: Buffer[]; next: number; senders: Set<Sender> }>();
  const queue = (address: string) => {
    let q = queues.get(address);
    if (!q) queues.set(address, (q = { events: [], next: 0, senders: new Set() }));
    return q;
  };
  const pump = (q: ReturnType<typeof queue>) => {
    for (const sender of q.senders) while (sender.sendable() && q.next < q.events.length) sender.send(q.events[q.next++] as Buffer, undefined, 0);
  };
  container.on('receiver_open', (context: EventContext) => context.receiver?.set_target({ address: context.receiver.target?.address }));
  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    sender.set_source({ address: sender.source?.address });
    queue(String(sender.source?.address)).senders.add(sender);
  });
  container.on('disconnected', () => undefined); // clients hang up when done
  container.on('sendable', (context: EventContext) => pump(queue(String(context.sender?.source?.address))));
  container.on('message', (context: EventContext) => {
    const q = queue(String(context.receiver?.target?.address));
    const body = rhea.message.decode(context.message as unknown as Buffer).body as { content: Buffer[] | Buffer };
    for (const event of Array.isArray(body.content) ? body.content : [body.content]) q.events.push(event);
    pump(q);
  });
  const listener = container.listen({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => listener.once('listening', resolve));
  return (listener.address() as { port: number }).port;
}

async function serve(kind: string): Promise<void> {
  const emulator = kind === 'raw' ? undefined : await start({ port: 0 });
  const port = emulator ? (kind === 'kafka' ? emulator.kafka?.port : emulator.port) : await rawServer();
  const cpuAtStart = process.cpuUsage();
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const used = process.cpuUsage(cpuAtStart);
    process.send?.({ cpuMs: (used.user + used.system) / 1000 }, () => process.exit(0));
  });
  process.send?.({ port });
}

// ---- parent side: the clients ----

async function withServer(kind: 'raw' | 'emulator' | 'kafka', run: (port: number) => Promise<Omit<Run, 'serverCpuMs'>>): Promise<Run> {
  const profileDir = process.env['EVENTHUBS_BENCH_PROFILE'];
  const child: ChildProcess = fork(import.meta.filename, ['--serve', kind], {
    execArgv: [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${kind}-server.cpuprofile`] : [])],
  });
  const next = () => new Promise<{ port?: number; cpuMs?: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port?: number; cpuMs?: number }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
  const { port } = await next();
  try {
    const result = await run(port ?? 0);
    const reply = next();
    child.send('cpu');
    const serverCpuMs = (await reply).cpuMs ?? NaN;
    // The child exits by itself once it has reported (so a --cpu-prof profile gets written); kill only a stuck one.
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 10_000).unref();
      child.once('exit', () => resolve());
    });
    return { ...result, serverCpuMs };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function emulatorClient(port: number, total: number): Promise<Omit<Run, 'serverCpuMs'>> {
  const connectionString = `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  const producer = new EventHubProducerClient(connectionString, 'temperatures');
  const consumer = new EventHubConsumerClient('$default', connectionString, 'temperatures');
  const payload = Buffer.alloc(EVENT_BYTES, 120);
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  await producer.getEventHubProperties(); // connect before the clock starts
  const cpu = process.cpuUsage();
  const started = performance.now();
  const subscription = consumer.subscribe(
    {
      processEvents: async (events) => {
        received += events.length;
        if (received >= total) resolveDone();
      },
      processError: async () => undefined,
    },
    // skipParsingBodyAsJson: the body is opaque bytes; by default the client tries JSON.parse on every body and a
    // thrown SyntaxError per event was the client's largest cost (15 % of its CPU) — not the emulator's.
    { startPosition: earliestEventPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 0.05, prefetchCount: PREFETCH, skipParsingBodyAsJson: true },
  );
  let sent = 0;
  let batches = 0;
  // One send loop per partition: a batch in flight on each link, as a producer feeding every partition would have.
  const sendLoop = async (partitionId: string): Promise<void> => {
    while (sent < total) {
      const batch = await producer.createBatch({ partitionId });
      while (sent < total && batch.tryAdd({ body: payload })) sent += 1;
      batches += 1;
      await producer.sendBatch(batch);
    }
  };
  await Promise.all(PARTITIONS.map(sendLoop));
  const timeout = setTimeout(resolveDone, 120_000);
  await done;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  const clientCpuMs = cpuMsSince(cpu);
  await subscription.close();
  await Promise.all([consumer.close(), producer.close()]);
  if (received < total) throw new Error(`only ${received} of ${total} events arrived within 120 s`);
  return { seconds, clientCpuMs, eventsPerBatch: Math.round(total / batches) };
}

/** rhea client: pipelined batch sends (no wait for settlement beyond link credit), consumers with a large credit window. */
async function rawClient(port: number, total: number, eventsPerBatch: number): Promise<Omit<Run, 'serverCpuMs'>> {
  const container = rhea.create_container({ id: 'raw-client' });
  const connection = container.connect({ port, host: '127.0.0.1', reconnect: false });
  const event = rhea.message.encode({ body: rhea.message.data_section(Buffer.alloc(EVENT_BYTES, 120)) });
  const batchOf = (count: number) => rhea.message.encode({ body: rhea.message.data_sections(Array.from({ length: count }, () => event)) });
  const fullBatch = batchOf(eventsPerBatch);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let received = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    for (const p of PARTITIONS) {
      const receiver = connection.open_receiver({ source: { address: `q/${p}` }, credit_window: PREFETCH });
      receiver.on('message', () => {
        if (++received === total) resolve();
      });
      const sender = connection.open_sender({ target: { address: `q/${p}` } });
      sender.on('sendable', () => {
        while (sender.sendable() && sent < total) {
          const count = Math.min(eventsPerBatch, total - sent);
          sender.send(count === eventsPerBatch ? fullBatch : batchOf(count), undefined, BATCH_FORMAT);
          sent += count;
        }
      });
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const clientCpuMs = cpuMsSince(cpu);
  connection.close();
  return { seconds, clientCpuMs, eventsPerBatch };
}

/**
 * kafkajs: one send loop per partition, each with one batch (the AMQP loop's batch size) in flight with acks=all, and
 * one consumer group member reading all four partitions concurrently; the clock starts once it has joined.
 */
async function kafkaClient(port: number, total: number, eventsPerBatch: number): Promise<Omit<Run, 'serverCpuMs'>> {
  const password = `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`;
  const kafka = new Kafka({ clientId: 'bench', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: '$ConnectionString', password } });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 2 * 1024 * 1024, maxBytes: 16 * 1024 * 1024, maxWaitTimeInMs: 50 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: 'temperatures', fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS.length,
    eachBatch: async ({ batch }) => {
      received += batch.messages.length;
      if (received >= total) resolveDone();
    },
  });
  await joined;
  const payload = Buffer.alloc(EVENT_BYTES, 120);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  const sendLoop = async (partition: number): Promise<void> => {
    while (sent < total) {
      const count = Math.min(eventsPerBatch, total - sent);
      sent += count;
      await producer.send({ topic: 'temperatures', acks: -1, messages: Array.from({ length: count }, () => ({ value: payload, partition })) });
    }
  };
  await Promise.all(PARTITIONS.map((p) => sendLoop(Number(p))));
  const timeout = setTimeout(resolveDone, 120_000);
  await done;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  const clientCpuMs = cpuMsSince(cpu);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  if (received < total) throw new Error(`only ${received} of ${total} Kafka records arrived within 120 s`);
  return { seconds, clientCpuMs, eventsPerBatch };
}

/** CPU milliseconds over a run as microseconds per event, to a tenth. */
function microsPerEvent(ms: number, events: number): number {
  return Math.round(((ms * 1000) / events) * 10) / 10;
}

/**
 * The emulator with the real client alone (no raw rhea or Kafka loop): the baseline the pipeline benches pair with
 * each of their runs.
 */
export async function emulatorSendReceive(events: number): Promise<{ eventsPerSecond: number; serverCpuMicrosPerEvent: number; clientCpuMicrosPerEvent: number }> {
  const run = await withServer('emulator', (port) => emulatorClient(port, events));
  const perEvent = (ms: number) => microsPerEvent(ms, events);
  return { eventsPerSecond: Math.round(events / run.seconds), serverCpuMicrosPerEvent: perEvent(run.serverCpuMs), clientCpuMicrosPerEvent: perEvent(run.clientCpuMs) };
}

export async function runEventHubsBench(events = Number(process.env['EVENTHUBS_BENCH_EVENTS'] ?? 100_000)): Promise<EventHubsBenchResult> {
  const emulator = await withServer('emulator', (port) => emulatorClient(port, events));
  const raw = await withServer('raw', (port) => rawClient(port, events, emulator.eventsPerBatch));
  const kafka = await withServer('kafka', (port) => kafkaClient(port, events, emulator.eventsPerBatch));
  const perEvent = (ms: number) => microsPerEvent(ms, events);
  return {
    name: 'eventhubs-emulator',
    events,
    eventBytes: EVENT_BYTES,
    eventsPerBatch: emulator.eventsPerBatch,
    emulatorEventsPerSecond: Math.round(events / emulator.seconds),
    rawRheaEventsPerSecond: Math.round(events / raw.seconds),
    ratio: Math.round((raw.seconds / emulator.seconds) * 100) / 100,
    emulatorServerCpuMicrosPerEvent: perEvent(emulator.serverCpuMs),
    rawServerCpuMicrosPerEvent: perEvent(raw.serverCpuMs),
    emulatorClientCpuMicrosPerEvent: perEvent(emulator.clientCpuMs),
    rawClientCpuMicrosPerEvent: perEvent(raw.clientCpuMs),
    kafkaEventsPerSecond: Math.round(events / kafka.seconds),
    kafkaToAmqpRatio: Math.round((emulator.seconds / kafka.seconds) * 100) / 100,
    kafkaServerCpuMicrosPerEvent: perEvent(kafka.serverCpuMs),
    kafkaClientCpuMicrosPerEvent: perEvent(kafka.clientCpuMs),
  };
}

if (import.meta.main) {
  const serveIndex = process.argv.indexOf('--serve');
  if (serveIndex >= 0) {
    await serve(process.argv[serveIndex + 1] ?? 'emulator');
  } else {
    const r = await runEventHubsBench();
    const n = (v: number) => v.toLocaleString('en');
    process.stdout.write(
      `${n(r.events)} events of ${r.eventBytes} B, ${r.eventsPerBatch} per batch, loopback, server in a child process\n` +
        `  emulator + @azure/event-hubs: ${n(r.emulatorEventsPerSecond)} events/s send+receive;` +
        ` CPU/event: server ${r.emulatorServerCpuMicrosPerEvent} µs, client ${r.emulatorClientCpuMicrosPerEvent} µs\n` +
        `  raw rhea loop:                ${n(r.rawRheaEventsPerSecond)} events/s send+receive;` +
        ` CPU/event: server ${r.rawServerCpuMicrosPerEvent} µs, client ${r.rawClientCpuMicrosPerEvent} µs\n` +
        `  ratio emulator/raw:           ${r.ratio} (server CPU ratio ${Math.round((r.emulatorServerCpuMicrosPerEvent / r.rawServerCpuMicrosPerEvent) * 100) / 100})\n` +
        `  emulator Kafka + kafkajs:     ${n(r.kafkaEventsPerSecond)} events/s send+receive;` +
        ` CPU/event: server ${r.kafkaServerCpuMicrosPerEvent} µs, client ${r.kafkaClientCpuMicrosPerEvent} µs\n` +
        `  ratio Kafka/AMQP:             ${r.kafkaToAmqpRatio} (target ≥ 0.8)\n` +
        `  load average (1/5/15 min):    ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
    );
    process.exit(0);
  }
}

// Throughput of the Event Hubs emulator with the real client (1 KB events, batched, loopback), next to a raw rhea
// send/receive loop measured in the same run, so the figure can be read as a fraction of what rhea itself allows.
// `npm run bench:eventhubs` (EVENTHUBS_BENCH_EVENTS=N to change the event count). Not a test.
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import rhea, { type EventContext, type Receiver, type Sender } from 'rhea';
import { start } from '../local/eventhubs/index.ts';

const EVENT_BYTES = 1024;
const PARTITIONS = ['0', '1', '2', '3'];

export interface EventHubsBenchResult {
  name: string;
  events: number;
  eventBytes: number;
  /** Events per second through the emulator, send and receive overlapping (first send to last receive). */
  emulatorEventsPerSecond: number;
  /** Events per second producing only (until the last batch is accepted). */
  emulatorSendEventsPerSecond: number;
  /** Events per second for a raw rhea client → rhea server → rhea client loop. */
  rawRheaEventsPerSecond: number;
  /** emulator / raw. */
  ratio: number;
}

async function emulatorRun(total: number): Promise<{ overall: number; send: number }> {
  const emulator = await start({ port: 0 });
  const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures');
  const consumer = new EventHubConsumerClient('$default', emulator.connectionString, 'temperatures');
  const payload = Buffer.alloc(EVENT_BYTES, 120);
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const subscription = consumer.subscribe(
    {
      processEvents: async (events) => {
        received += events.length;
        if (received >= total) resolveDone();
      },
      processError: async () => undefined,
    },
    { startPosition: earliestEventPosition, maxBatchSize: 1000, maxWaitTimeInSeconds: 0.05, prefetchCount: 5000 },
  );
  await producer.getEventHubProperties(); // connect before the clock starts
  const started = performance.now();
  let sent = 0;
  let turn = 0;
  const sendOne = async (): Promise<void> => {
    while (sent < total) {
      const partitionId = PARTITIONS[turn++ % PARTITIONS.length] ?? '0';
      const batch = await producer.createBatch({ partitionId });
      while (sent < total && batch.tryAdd({ body: payload })) sent += 1;
      await producer.sendBatch(batch);
    }
  };
  await Promise.all([sendOne(), sendOne()]);
  const sendSeconds = (performance.now() - started) / 1000;
  const timeout = setTimeout(resolveDone, 60_000);
  await done;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  await subscription.close();
  await Promise.all([consumer.close(), producer.close()]);
  await emulator.close();
  if (received < total) throw new Error(`only ${received} of ${total} events arrived within 60 s`);
  return { overall: total / seconds, send: total / sendSeconds };
}

/** A rhea server that keeps what it gets and hands it to a receiving link, driven by rhea clients. */
async function rawRun(total: number): Promise<number> {
  const server = rhea.create_container();
  const stored: Buffer[] = [];
  let outbound: Sender | undefined;
  let next = 0;
  const pump = () => {
    while (outbound?.sendable() && next < stored.length) outbound.send(stored[next++] as Buffer, undefined, 0);
  };
  server.on('message', (context: EventContext) => {
    stored.push(rhea.message.encode(context.message ?? {}));
    pump();
  });
  server.on('sender_open', (context: EventContext) => {
    outbound = context.sender;
    outbound?.set_source({ address: 'q' });
  });
  server.on('sendable', pump);
  const listener = server.listen({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => listener.once('listening', resolve));
  const port = (listener.address() as { port: number }).port;

  const client = rhea.create_container();
  const connection = client.connect({ port, host: '127.0.0.1', reconnect: false });
  const body = rhea.message.data_section(Buffer.alloc(EVENT_BYTES, 120));
  let received = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const receiver: Receiver = connection.open_receiver({ source: { address: 'q' }, credit_window: 5000 });
    receiver.on('message', () => {
      if (++received === total) resolve();
    });
    const sender = connection.open_sender({ target: { address: 'q' } });
    let sent = 0;
    const send = () => {
      while (sender.sendable() && sent < total) {
        sender.send({ body });
        sent += 1;
      }
    };
    sender.on('sendable', send);
  });
  const seconds = (performance.now() - started) / 1000;
  connection.close();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return total / seconds;
}

export async function runEventHubsBench(events = Number(process.env['EVENTHUBS_BENCH_EVENTS'] ?? 100_000)): Promise<EventHubsBenchResult> {
  const raw = await rawRun(events);
  const emulator = await emulatorRun(events);
  return {
    name: 'eventhubs-emulator',
    events,
    eventBytes: EVENT_BYTES,
    emulatorEventsPerSecond: Math.round(emulator.overall),
    emulatorSendEventsPerSecond: Math.round(emulator.send),
    rawRheaEventsPerSecond: Math.round(raw),
    ratio: Math.round((emulator.overall / raw) * 100) / 100,
  };
}

if (import.meta.main) {
  const result = await runEventHubsBench();
  process.stdout.write(
    `${result.events} events of ${result.eventBytes} B on loopback\n` +
      `  emulator + @azure/event-hubs, send+receive: ${result.emulatorEventsPerSecond.toLocaleString('en')} events/s` +
      ` (send alone ${result.emulatorSendEventsPerSecond.toLocaleString('en')} events/s)\n` +
      `  raw rhea send/receive loop:                 ${result.rawRheaEventsPerSecond.toLocaleString('en')} events/s\n` +
      `  ratio emulator/raw:                         ${result.ratio}\n`,
  );
  process.exit(0);
}

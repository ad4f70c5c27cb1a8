// CPU this process spends per event moving the seed's 12,100 city-day events through the emulator as the pipeline
// does, and nothing else: published by the app's own publisher (fetchCityWeather's: one batch per city, keyed by
// city, 16 jobs at once), then received with the local host's trigger settings (host.json maxEventBatchSize and
// prefetchCount, JSON bodies parsed). Set against bench/eventhubs.ts's client (42.5–55 µs of CPU per event for send
// and receive together in the runs of 2026-12-01), it says how much of the seed's ~210 µs per event is the transport.
// The seed bench runs one round in a fresh process (transportInFreshProcess) next to each of its runs: what the
// transport alone costs the app's main thread, the one that runs its JavaScript (docs/performance.md, "This round
// (evening)").
// `npm run bench:event-transport` (EVENT_TRANSPORT_ROUNDS=N, 3 by default). Not a test: figures only.
import { loadavg } from 'node:os';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { createEventPublisher } from '../functions/adapters/eventPublisher.ts';
import { parseHostJson, readHostJsonFile } from '../local/host/hostJson.ts';
import { startEmulatorChild } from '../local/serviceChild.ts';
import { replyFromChild, sendReply } from './lib/childReply.ts';
import { mainThreadSchedule } from './lib/processTree.ts';
import { syntheticEvents } from './lib/syntheticEvents.ts';

const ROUNDS = Number(process.env['EVENT_TRANSPORT_ROUNDS'] ?? 3);
const CONCURRENT_JOBS = 16;
const HUB = 'temperatures';

/** µs of CPU per event, all of this process's threads and (where /proc is) its main thread alone. */
export interface TransportCost {
  publish: number;
  receive: number;
  publishMainThread?: number;
  receiveMainThread?: number;
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const mainThreadCpuSeconds = () => mainThreadSchedule()?.cpuSeconds;

/** Main-thread µs per event since `since` (its CPU seconds then), when /proc has it. */
const mainMicros = (since: number | undefined, events: number) => {
  const now = mainThreadCpuSeconds();
  return since === undefined || now === undefined ? undefined : ((now - since) * 1e6) / events;
};

async function round(connectionString: string): Promise<TransportCost> {
  const events = syntheticEvents(50, 242);
  const byCity: (typeof events)[] = [];
  for (let c = 0; c < events.length; c += 242) byCity.push(events.slice(c, c + 242)); // syntheticEvents: city by city
  const producer = new EventHubProducerClient(connectionString, HUB);
  const publisher = createEventPublisher(producer);
  await publisher.publish(byCity[0]!.slice(0, 1)); // the link and its first batch, outside the measure
  let since = process.cpuUsage();
  let sinceMain = mainThreadCpuSeconds();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENT_JOBS }, async () => {
    while (next < byCity.length) await publisher.publish(byCity[next++]!);
  }));
  const publish = cpuMicros(since) / events.length;
  const publishMainThread = mainMicros(sinceMain, events.length);
  await producer.close();

  const settings = parseHostJson(readHostJsonFile()).eventHubs;
  const consumer = new EventHubConsumerClient('$default', connectionString, HUB);
  let received = 0;
  since = process.cpuUsage();
  sinceMain = mainThreadCpuSeconds();
  await new Promise<void>((resolve, reject) => {
    const subscription = consumer.subscribe(
      {
        processEvents: async (batch) => {
          received += batch.length;
          if (received >= events.length + 1) void subscription.close().then(resolve, reject);
        },
        processError: async (error) => reject(error),
      },
      { startPosition: earliestEventPosition, maxBatchSize: settings.maxEventBatchSize, prefetchCount: settings.prefetchCount, maxWaitTimeInSeconds: 1 },
    );
  });
  const receive = cpuMicros(since) / received;
  const receiveMainThread = mainMicros(sinceMain, received);
  await consumer.close();
  return { publish, receive, ...(publishMainThread === undefined ? {} : { publishMainThread }), ...(receiveMainThread === undefined ? {} : { receiveMainThread }) };
}

async function roundOnFreshEmulator(): Promise<TransportCost> {
  // A fresh emulator per round: the consumer reads exactly that round's events.
  const emulator = await startEmulatorChild();
  try {
    return await round(emulator.connectionString);
  } finally {
    await emulator.close();
  }
}

/** One round in a fresh Node process, as cold as each seed run's process. */
export function transportInFreshProcess(): Promise<TransportCost> {
  return replyFromChild<TransportCost>(import.meta.filename, ['--one-round'], 5 * 60_000);
}

if (import.meta.main && process.argv.includes('--one-round')) {
  await sendReply(roundOnFreshEmulator);
} else if (import.meta.main) {
  const micros = (all: number, main: number | undefined) => `${all.toFixed(1)}${main === undefined ? '' : ` (main thread ${main.toFixed(1)})`}`;
  for (let i = 0; i < ROUNDS; i++) {
    const { publish, receive, publishMainThread, receiveMainThread } = await roundOnFreshEmulator();
    process.stdout.write(`round ${i + 1}: publish ${micros(publish, publishMainThread)} µs/event, receive ${micros(receive, receiveMainThread)} µs/event of this process's CPU\n`);
  }
  process.stdout.write(`load average (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  process.exit(0);
}

// Memory the emulator's in-memory log spends per event beyond the event's bytes: appends the scale run's traffic
// (1,000 cities × 365 days, ~1 KB events, one transfer of up to 242 events per city window, keyed by city) to one
// PartitionLog and reports the growth of RSS, JS heap and buffer memory per event after a full GC.
// `npm run bench:eventhubs-memory` (EVENTHUBS_MEMORY_CITIES=N for fewer cities, EVENTHUBS_MEMORY_PER_TRANSFER=N for
// smaller transfers). Not a test: figures only.
import { loadavg } from 'node:os';
import rhea from 'rhea';
import { PartitionLog } from '../local/eventhubs/partitionLog.ts';

const CITIES = Number(process.env['EVENTHUBS_MEMORY_CITIES'] ?? 1000);
const DAYS = 365;
const PER_TRANSFER = Number(process.env['EVENTHUBS_MEMORY_PER_TRANSFER'] ?? 242);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:eventhubs-memory does)');

/** One city-day event as the publisher sends it: a JSON body of about 1 KB, the city as the partition key. */
function encodedEvent(city: number, day: number): Buffer {
  const hourly = Array.from({ length: 24 }, (_, h) => Math.round((10 + ((city + day + h) % 23) * 0.7) * 10) / 10);
  const body = JSON.stringify({
    v: 1, cityId: `city-${city}`, city: `City ${city}`, lat: 25 + ((city * 7.3) % 23), lng: -120 + ((city * 11.9) % 50),
    date: new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10), hourly,
    precipitation: hourly.map((t) => t / 100), humidity: hourly.map((t) => 40 + t), wind: hourly.map((t) => Math.round(t * 3) / 10),
    source: { api: 'open-meteo-archive', fetchedAt: '2023-09-23T00:00:00.000Z', runId: 'bench-memory-0001' },
  });
  return rhea.message.encode({
    message_annotations: { 'x-opt-partition-key': `city-${city}` },
    body: rhea.message.data_section(Buffer.from(body)),
  }) as unknown as Buffer;
}

function usage(): NodeJS.MemoryUsage {
  gc?.();
  gc?.();
  return process.memoryUsage();
}

const log = new PartitionLog('hub', '0', {});
const before = usage();
let events = 0;
for (let city = 0; city < CITIES; city++) {
  for (let day = 0; day < DAYS; day += PER_TRANSFER) {
    const transfer: Buffer[] = [];
    for (let d = day; d < Math.min(day + PER_TRANSFER, DAYS); d++) transfer.push(encodedEvent(city, d));
    void log.append(transfer, `city-${city}`);
    events += transfer.length;
  }
}
const after = usage();
const last = log.properties();
const bytes = last.lastOffset + (log.at(last.lastSequenceNumber)?.wire.length ?? 0);
const perEvent = (delta: number) => (delta / events).toFixed(1);
const mib = (value: number) => (value / 2 ** 20).toFixed(1);
process.stdout.write(
  `${events.toLocaleString('en')} events in one PartitionLog, ${(bytes / events).toFixed(0)} B each as delivered (${mib(bytes)} MiB)\n` +
    `  RSS growth:           ${mib(after.rss - before.rss)} MiB, ${perEvent(after.rss - before.rss - bytes)} B/event beyond the bytes\n` +
    `  JS heap growth:       ${mib(after.heapUsed - before.heapUsed)} MiB used, ${perEvent(after.heapUsed - before.heapUsed)} B/event` +
    ` (${mib(after.heapTotal - before.heapTotal)} MiB reserved)\n` +
    `  buffer memory growth: ${mib(after.arrayBuffers - before.arrayBuffers)} MiB, ${perEvent(after.arrayBuffers - before.arrayBuffers - bytes)} B/event beyond the bytes\n` +
    `  load average (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
);

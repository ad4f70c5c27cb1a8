// Ad-hoc queries (GET /api/aggregates) over 1,000 cities × 365 days of month entities on Azurite, asked over HTTP
// of the function app in a local host of its own process (so its RSS is the app's), next to a plain listing of
// the same entities with the SDK in the same run. BENCH_QUERY_CITIES=N seeds N cities instead.
// Targets: cross-city groupBy=year,month for a year ≤ 2 s; groupBy=city,day for one city and a year ≤ 0.5 s;
// memory flat while a large answer streams (RSS growth far below the body's size).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { odata, TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { createCityRegistry } from '../../functions/adapters/cityRegistry.ts';
import { forEachLimit } from '../../functions/aggregate/forEachLimit.ts';
import { dayRecord, type DayRecord } from '../../functions/core/aggregate/dayPartial.ts';
import { monthRowKey } from '../../functions/core/aggregate/monthEntity.ts';
import { queryProperties } from '../../functions/core/query/queryParts.ts';
import { startAzurite } from '../../local/azurite.ts';
import { interleavedMedians } from '../lib/measure.ts';
import { withRatio, type Bench, type Figure } from '../lib/types.ts';

const CLI = fileURLToPath(new URL('../../local/cli/main.ts', import.meta.url));
const KEY = 'bench-function-key';
const YEAR = '2022';
const NO_EVENT_HUB = 'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;';

function cityOf(i: number) {
  const lat = Math.round((-55 + ((i * 37) % 1100) / 10) * 1000) / 1000;
  const lng = Math.round((-179 + ((i * 263) % 3580) / 10) * 1000) / 1000;
  return { cityId: `bench-city-${String(i).padStart(5, '0')}`, city: `Bench City ${String(i).padStart(5, '0')}`, lat, lng };
}

/** A year of days for one city, grouped by month: a seasonal curve by latitude, a daily cycle, some noise. */
function yearOfDays(i: number, lat: number): Map<string, DayRecord[]> {
  const months = new Map<string, DayRecord[]>();
  const t0 = Date.parse(`${YEAR}-01-01T00:00:00Z`);
  for (let d = 0; d < 365; d++) {
    const date = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
    const season = Math.sign(lat || 1) * Math.cos((2 * Math.PI * (d - 200)) / 365);
    const hourly = Array.from({ length: 24 }, (_, h) => Math.round((25 - Math.abs(lat) * 0.45 + 12 * season + 5 * Math.sin((2 * Math.PI * (h - 9)) / 24) + ((i + d + h) % 7) * 0.3) * 10) / 10);
    const record = dayRecord({ v: 1, cityId: '', city: '', lat, lng: 0, gridLat: lat, gridLng: 0, date, hourly, source: { api: 'bench', fetchedAt: '2023-01-01T00:00:00Z' } });
    months.set(date.slice(0, 7), [...(months.get(date.slice(0, 7)) ?? []), record]);
  }
  return months;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** The function app with only getAggregates, in a child process: `npm run host -- --functions getAggregates`. */
function startApp(storage: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'host', '--port', '0', '--functions', 'getAggregates', '--settings', '/nonexistent'], {
    env: { ...process.env, STORAGE: storage, EVENTHUB: NO_EVENT_HUB, LOCAL_FUNCTION_KEY: KEY, LOCAL_MASTER_KEY: `${KEY}-master` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the app did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /HTTP: +(\S+)\/…/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${output}`)));
  });
}

/** Reads a whole answer, counting rows and bytes without keeping the body. */
async function ask(url: string): Promise<{ rows: number; bytes: number }> {
  const response = await fetch(url, { headers: { 'x-functions-key': KEY } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  let rows = 0;
  let bytes = 0;
  for await (const chunk of response.body!) {
    bytes += chunk.byteLength;
    for (const b of chunk as Uint8Array) if (b === 10) rows++;
  }
  return { rows: rows - 2, bytes }; // JSON: a newline before each row, one before the closing bracket, one at the end
}

async function listing(client: TableClient, filter: string, select: string[]): Promise<number> {
  let n = 0;
  for await (const page of client.listEntities({ queryOptions: { filter, select } }).byPage({ maxPageSize: 1000 })) n += page.length;
  return n;
}

export const queryBench: Bench = {
  name: 'query',
  description: 'ad-hoc queries over 1,000 cities × 365 days of month entities, over HTTP, vs a plain listing (BENCH_QUERY_CITIES to change)',
  async run() {
    const cities = Number(process.env['BENCH_QUERY_CITIES'] ?? 1_000);
    if (!Number.isInteger(cities) || cities < 1) throw new Error(`BENCH_QUERY_CITIES must be a whole number ≥ 1, got ${process.env['BENCH_QUERY_CITIES']}`);
    const azurite = await startAzurite({ maxHeapMiB: 4_096 });
    let app: { url: string; child: ChildProcess } | undefined;
    try {
      const client = (name: string) => TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
      const aggregatesClient = client('aggregates');
      await aggregatesClient.createTable();
      await client('cities').createTable();
      const seedStart = performance.now();
      const places = Array.from({ length: cities }, (_, i) => cityOf(i));
      const aggregates = createAggregateTable(aggregatesClient);
      await forEachLimit(places.map((p, i) => ({ ...p, i })), 8, async (p) => {
        await aggregates.applyCity(p.cityId, p, yearOfDays(p.i, p.lat));
      });
      await createCityRegistry(client('cities')).upsert(places, new Date());
      const seedSeconds = (performance.now() - seedStart) / 1000;
      console.error(`  seeded ${cities} cities × 12 months in ${seedSeconds.toFixed(0)} s`);

      app = await startApp(azurite.connectionString);
      const pid = app.child.pid!;
      const base = `${app.url}/aggregates?from=${YEAR}-01&to=${YEAR}-12`;
      const one = places[Math.floor(cities / 2)]!.cityId;
      const crossCity = `${base}&groupBy=year,month`;
      const cityDays = `${base}&groupBy=city,day&city=${one}`;
      const range = odata`RowKey ge ${monthRowKey(`${YEAR}-01`)} and RowKey le ${monthRowKey(`${YEAR}-12`)}`;
      const oneCity = odata`PartitionKey eq ${one} and RowKey ge ${monthRowKey(`${YEAR}-01`)} and RowKey le ${monthRowKey(`${YEAR}-12`)}`;

      const checks = { cross: await ask(crossCity), days: await ask(cityDays) };
      if (checks.cross.rows !== 12 || checks.days.rows !== 365) throw new Error(`unexpected answers: ${JSON.stringify(checks)}`);
      const [listAll, cross] = await interleavedMedians(5, [() => listing(aggregatesClient, range, queryProperties('month')), () => ask(crossCity)]);
      const [listOne, days] = await interleavedMedians(5, [() => listing(aggregatesClient, oneCity, queryProperties('day')), () => ask(cityDays)]);

      // Memory while streaming: every city's days for the year (365 rows per city), against the app's RSS at rest.
      const idle = rssMiB(pid);
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
      const bigStart = performance.now();
      const big = await ask(`${base}&groupBy=city,day`);
      const bigSeconds = (performance.now() - bigStart) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, rssMiB(pid));
      const acrossStart = performance.now();
      const acrossDays = await ask(`${base}&groupBy=day`);
      const acrossSeconds = (performance.now() - acrossStart) / 1000;

      const MiB = 1024 * 1024;
      const figures: Figure[] = [
        { metric: `cross-city groupBy=year,month, 1 year (${cities} cities)`, value: cross! / 1000, unit: 's', target: { op: '<=', value: 2 }, note: `${cities * 12} month entities folded into 12 rows` },
        withRatio({ metric: 'cross-city year,month vs plain listing', value: cross! / 1000, unit: 's', baseline: listAll! / 1000, better: 'lower', note: 'baseline: the same entities and properties listed with the SDK (pages of 1,000), no HTTP, no fold' }),
        { metric: 'groupBy=city,day, 1 city, 1 year', value: days! / 1000, unit: 's', target: { op: '<=', value: 0.5 }, note: '12 entities, 365 rows from the day records' },
        withRatio({ metric: 'city,day vs plain listing', value: days! / 1000, unit: 's', baseline: listOne! / 1000, better: 'lower', note: 'baseline: that city\'s 12 entities with dayPartials listed with the SDK' }),
        { metric: `groupBy=city,day, every city, 1 year`, value: bigSeconds, unit: 's', note: `${big.rows.toLocaleString('en-US')} rows, ${(big.bytes / MiB).toFixed(0)} MiB of JSON streamed` },
        { metric: 'groupBy=day across cities, 1 year', value: acrossSeconds, unit: 's', note: `${acrossDays.rows} rows` },
        { metric: 'app RSS at rest (after the timed queries)', value: idle, unit: 'MiB' },
        { metric: 'app peak RSS streaming every city-day', value: peak, unit: 'MiB', note: `growth ${(peak - idle).toFixed(0)} MiB while ${(big.bytes / MiB).toFixed(0)} MiB streamed` },
      ];
      return figures;
    } finally {
      if (app && app.child.exitCode === null) {
        const exited = new Promise((resolve) => app!.child.once('exit', resolve));
        app.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        app.child.kill('SIGKILL');
      }
      await azurite.close();
    }
  },
};

// node local/openmeteo/cli.ts [--port 8089] [switches]: runs the Open-Meteo stand-in until Ctrl+C.
import { parseArgs } from 'node:util';
import { startOpenMeteoStandIn, type StandInOptions } from './standIn.ts';

const HELP = `Open-Meteo archive stand-in: GET /v1/archive with the real query contract.
Serves the recorded 2023 data for the seed's 48 grid cells, and synthetic data elsewhere: made-up temperatures,
marked "synthetic": true in each answer (the pipeline then marks every result computed from them). With
--recorded-only, places and dates outside the recording get a 400 instead.

Usage: npm run openmeteo -- [options]

  --port N                 port to listen on (default 8089)
  --host H                 address to bind (default 127.0.0.1)
  --latency-ms N           delay every answer by N ms
  --rate-429 P             answer a share P (0..1) of calls with 429
  --retry-after S          Retry-After seconds on those 429s (default 1)
  --rate-5xx P             answer a share P of calls with 500/502/503
  --hang-rate P            never answer a share P of calls
  --truncate-rate P        cut the body half-way for a share P of calls
  --slow-body-ms N         pause N ms between the body's chunks
  --null-trailing-days N   answer null for the last N days of every range
  --limit-per-minute N     enforce N weighted calls per minute (real 429 past it)
  --limit-per-hour N       enforce N weighted calls per UTC hour ("Hourly API request limit exceeded")
  --limit-per-day N        enforce N weighted calls per UTC day ("Daily API request limit exceeded")
  --available-until DATE   last day the archive has (default yesterday, UTC)
  --seed N                 seed for the fault dice
  --recorded-only          refuse (400) what the recording does not cover instead of making data up
  -h, --help               show this help
`;

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`--${name} must be a number ≥ 0, got "${value}"\n\n${HELP}`);
    process.exit(2);
  }
  return parsed;
}

const flags = ['port', 'host', 'latency-ms', 'rate-429', 'retry-after', 'rate-5xx', 'hang-rate', 'truncate-rate', 'slow-body-ms', 'null-trailing-days', 'limit-per-minute', 'limit-per-hour', 'limit-per-day', 'available-until', 'seed'] as const;
let values: Partial<Record<(typeof flags)[number] | 'help' | 'recorded-only', string | boolean>>;
try {
  ({ values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h' }, 'recorded-only': { type: 'boolean' }, ...Object.fromEntries(flags.map((flag) => [flag, { type: 'string' as const }])) },
    strict: true,
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const get = (flag: (typeof flags)[number]) => number(values[flag] as string | undefined, flag);
const options: StandInOptions = {
  port: get('port') ?? 8089,
  host: (values.host as string | undefined) ?? '127.0.0.1',
  latencyMs: get('latency-ms'),
  rate429: get('rate-429'),
  retryAfterSeconds: get('retry-after'),
  rate5xx: get('rate-5xx'),
  hangRate: get('hang-rate'),
  truncateRate: get('truncate-rate'),
  slowBodyMs: get('slow-body-ms'),
  nullTrailingDays: get('null-trailing-days'),
  limitPerWindow: get('limit-per-minute'),
  limits: Object.fromEntries(Object.entries({ perHour: get('limit-per-hour'), perDay: get('limit-per-day') }).filter(([, v]) => v !== undefined)),
  availableUntil: values['available-until'] as string | undefined,
  seed: get('seed'),
  synthetic: values['recorded-only'] !== true,
};
const standIn = await startOpenMeteoStandIn(options);
console.log(`Open-Meteo stand-in listening on ${standIn.url}`);
const stop = () => {
  const { log: _log, ...counters } = standIn.stats();
  console.log(`stopping; ${JSON.stringify(counters)}`);
  void standIn.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

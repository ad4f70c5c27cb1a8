// `npm run query`: the API's ad-hoc query from the command line, against the tables the app uses (STORAGE from
// the environment or local.settings.json: Azurite, or Azure with an identity), printed like Flink's print().
import { existsSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { createTableClient } from '../../../functions/adapters/clients.ts';
import { bboxParameter, cityParameter, MAX_QUERY_MONTHS } from '../../../functions/api/aggregatesParams.ts';
import { queryAggregates, type AggregateQuery } from '../../../functions/api/queryAggregates.ts';
import { csvChunks, jsonChunks } from '../../../functions/api/queryBody.ts';
import { resolveCities } from '../../../functions/api/resolveCities.ts';
import { parseStorageConnection } from '../../../functions/config/connections.ts';
import { RESOURCES, STORAGE_CONNECTION } from '../../../functions/config/settings.ts';
import { assertMonth, assertMonthRange } from '../../../functions/core/aggregate/months.ts';
import { columnsFor } from '../../../functions/core/query/columns.ts';
import { formatGroupBy, parseGroupBy, type GroupBy } from '../../../functions/core/query/groupBy.ts';
import type { QueryRow } from '../../../functions/core/query/queryRow.ts';
import { ensureErrorType, ValidationError } from '../../../functions/errors.ts';
import { CLIError } from '../errors.ts';
import { formatQueryTable } from '../formatTable.ts';
import type { Command } from '../command.ts';
import { parse } from './parse.ts';

export interface QueryRunOptions {
  argv: string[];
  /** The environment; local.settings.json Values fill in what it does not set, as for `npm run host`. */
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
  now?: Date;
}

const OPTIONS = {
  'group-by': { type: 'string', default: 'year,month' },
  city: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  bbox: { type: 'string' },
  format: { type: 'string', default: 'table' },
  settings: { type: 'string', default: 'local.settings.json' },
} as const;

/** A parameter's ValidationError as a usage error naming the option. */
function option<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) throw new CLIError('E_USAGE', `--${flag}: ${error.message}`);
    throw error;
  }
}

function monthsBefore(month: string, count: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - count;
  const from = `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
  return from < '1900-01' ? '1900-01' : from;
}

function settingsOf(env: QueryRunOptions['env'], file: string): Record<string, string | undefined> {
  if (!existsSync(file)) return env;
  let values: Record<string, string>;
  try {
    values = (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
  } catch (error) {
    throw new CLIError('E_CONFIG', `${file} is not readable JSON: ${ensureErrorType(error).message}`);
  }
  return { ...values, ...env };
}

function storageError(error: unknown): CLIError | undefined {
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT') {
    return new CLIError('E_CONFIG', `cannot reach table storage (${e.code}): is \`npm run emulators\` running, or does STORAGE point where you mean?`, { cause: error });
  }
  return undefined;
}

async function* rowsOrEmpty(rows: AsyncIterable<QueryRow>, stderr: Writable): AsyncGenerator<QueryRow> {
  try {
    yield* rows;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw storageError(error) ?? error;
    stderr.write('No aggregates yet: the table `aggregates` does not exist (run a city file through the pipeline first).\n');
  }
}

export async function runQuery(options: QueryRunOptions): Promise<number> {
  const args = parse(options.argv, OPTIONS);
  const groupBy: GroupBy = option('group-by', () => parseGroupBy(args['group-by'] ?? 'year,month'));
  const format = args.format ?? 'table';
  if (!['table', 'csv', 'json'].includes(format)) throw new CLIError('E_USAGE', `--format must be table, csv or json, got "${format}"`);
  const thisMonth = (options.now ?? new Date()).toISOString().slice(0, 7);
  const to = option('to', () => assertMonth(args.to ?? thisMonth, 'to'));
  const from = option('from', () => assertMonth(args.from ?? monthsBefore(to, MAX_QUERY_MONTHS - 1), 'from'));
  option('to', () => assertMonthRange(from, to, MAX_QUERY_MONTHS));
  const cityList = option('city', () => (args.city === undefined ? undefined : cityParameter.parse(args.city)));
  const bbox = option('bbox', () => (args.bbox === undefined ? undefined : bboxParameter.parse(args.bbox)));

  const settings = settingsOf(options.env, args.settings ?? 'local.settings.json');
  let storage;
  try {
    storage = parseStorageConnection(settings, STORAGE_CONNECTION);
  } catch (error) {
    throw new CLIError('E_CONFIG', `${ensureErrorType(error).message} (or copy local.settings.sample.json to local.settings.json and run \`npm run emulators\`)`);
  }
  const aggregates = createAggregateTable(createTableClient(storage, RESOURCES.aggregatesTable));
  let cityIds: string[] | undefined;
  if (cityList) {
    const resolved = await resolveCities(createTableClient(storage, RESOURCES.citiesTable), cityList).catch((error: unknown) => {
      throw storageError(error) ?? ((error as { statusCode?: number }).statusCode === 404 ? new CLIError('E_USAGE', '--city: no cities are registered yet') : error);
    });
    if (resolved.unknown.length > 0) throw new CLIError('E_USAGE', `--city: no such city: ${resolved.unknown.slice(0, 5).map((u) => JSON.stringify(u)).join(', ')}`);
    cityIds = resolved.found.map((c) => c.cityId);
  }
  // One named city is that city's rows, as in the API.
  const effective = cityIds?.length === 1 ? { ...groupBy, city: true } : groupBy;
  const query: AggregateQuery = { groupBy: effective, from, to, ...(cityIds ? { cityIds } : {}), ...(bbox ? { bbox } : {}) };
  const rows = rowsOrEmpty(queryAggregates(aggregates, query), options.stderr);
  if (format === 'table') {
    const all: QueryRow[] = [];
    for await (const row of rows) all.push(row);
    options.stdout.write(`${formatQueryTable(all, effective)}\n`);
    return 0;
  }
  const columns = columnsFor(effective);
  const chunks = format === 'csv' ? csvChunks(rows, columns) : jsonChunks(rows, { from, to, groupBy: formatGroupBy(effective), ...(bbox ? { bbox } : {}) }, columns);
  for await (const chunk of chunks) {
    if (!options.stdout.write(chunk)) await new Promise((resolve) => options.stdout.once('drain', resolve));
  }
  return 0;
}

export const command: Command = {
  description: [
    'Ad-hoc queries over the aggregates the app has stored, as GET /api/aggregates answers them: the Flink',
    'query `groupBy(year, month).select(min, max)` over every city is `npm run query`. Reads the tables at',
    'STORAGE (the environment, else local.settings.json: Azurite from `npm run emulators`, or Azure).',
  ].join('\n'),
  usage: [
    'Usage: npm run query -- [--group-by year,month] [--city …] [--from YYYY-MM] [--to YYYY-MM] [--bbox …] [--format table|csv|json]',
    '',
    '  --group-by DIMS   comma list of city, year, month, day (calendar periods; month implies year, day both);',
    '                    all = one row (default year,month: per month, the min of minima and max of maxima of every city)',
    '  --city LIST       city ids or names, comma-separated; quote names with commas: \'"Peabody, MA, USA",salem-ma-usa\'',
    '                    (at most 100; default every city; one city gives that city\'s rows)',
    `  --from MONTH      first month (default: ${MAX_QUERY_MONTHS - 1} months before --to)`,
    '  --to MONTH        last month (default: this month); at most 120 months in all',
    '  --bbox BOX        minLat,minLng,maxLat,maxLng; minLng > maxLng crosses the antimeridian',
    '  --format FORMAT   table (min/max/mean in °C, where, missing hours; held to align the columns), or csv or json',
    '                    (every column, as the API, streamed: for large answers)',
    '  --settings FILE   local.settings.json to read STORAGE from when the environment has none',
  ].join('\n'),
  run: (argv) => runQuery({ argv, env: process.env, stdout: process.stdout, stderr: process.stderr }),
};

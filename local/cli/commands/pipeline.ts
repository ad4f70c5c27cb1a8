import type { Command } from '../command.ts';
import { parseGroupBy } from '../../../functions/core/query/groupBy.ts';
import { ValidationError } from '../../../functions/errors.ts';
import { CLIError } from '../errors.ts';
import { runPipeline } from '../runPipeline.ts';
import { parse } from './parse.ts';

/** `--group-by` read by the API's own parser; its error names the option. */
export function groupByOption(raw: string) {
  try {
    return parseGroupBy(raw);
  } catch (error) {
    if (error instanceof ValidationError) throw new CLIError('E_USAGE', `--group-by: ${error.message}`);
    throw error;
  }
}

export const command: Command = {
  description: [
    'Uploads FILE to the `cities` container (start/end as blob metadata), runs the function app in the local host',
    'until every job is fetched and every event aggregated, then prints rejected lines and the month table.',
    'Starts Azurite and the Event Hubs emulator unless STORAGE / EVENTHUB are set; the weather API is',
    'WEATHER_API_URL (default: the real Open-Meteo archive), or the recorded-data stand-in with --offline.',
  ].join('\n'),
  usage: [
    'Usage: npm run pipeline -- --cities FILE --start YYYY-MM-DD --end YYYY-MM-DD [options]',
    '',
    '  --cities FILE     city file: JSON lines or one JSON array of { city, lat, lng, id?, start?, end? }',
    '  --start DATE      first day (UTC) for lines that name no range',
    '  --end DATE        last day (UTC) for lines that name no range',
    '  --json OUT        write the monthly aggregates as JSON (and dashboard.html next to it)',
    '  --html OUT        write the chart here instead',
    '  --csv OUT         write the monthly aggregates as CSV (the JSON\'s columns)',
    '  --group-by DIMS   end with this query over the run\'s cities instead of every city-month: a comma list',
    '                    of city, year, month, day (e.g. year,month: per month the min of minima and max of maxima)',
    '  --offline         serve the weather API from the bundled recorded data (no network); refuses, naming',
    '                    the lines, places and dates the recording does not cover',
    '  --synthetic       with --offline, make temperatures up where the recording has none: every result',
    '                    computed from them is marked synthetic (table, JSON, dashboard, ledger)',
    '  --timeout SECS    give up when the app is not idle after this long (default 900)',
    '  --verbose         print every function log line',
  ].join('\n'),
  async run(argv) {
    const args = parse(argv, {
      cities: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      csv: { type: 'string' },
      'group-by': { type: 'string' },
      offline: { type: 'boolean', default: false },
      synthetic: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      timeout: { type: 'string' },
    });
    for (const name of ['cities', 'start', 'end'] as const) {
      if (!args[name]) throw new CLIError('E_USAGE', `--${name} is required`);
    }
    if (args.synthetic && !args.offline) throw new CLIError('E_USAGE', '--synthetic only applies with --offline (the real API never makes data up)');
    const timeout = args.timeout === undefined ? 900 : Number(args.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new CLIError('E_USAGE', `--timeout must be a positive number of seconds, got "${args.timeout}"`);
    await runPipeline({
      cities: args.cities!,
      start: args.start!,
      end: args.end!,
      ...(args.json ? { json: args.json } : {}),
      ...(args.html ? { html: args.html } : {}),
      ...(args.csv ? { csv: args.csv } : {}),
      ...(args['group-by'] === undefined ? {} : { groupBy: groupByOption(args['group-by']) }),
      offline: args.offline ?? false,
      synthetic: args.synthetic ?? false,
      verbose: args.verbose ?? false,
      timeoutMs: timeout * 1000,
    });
    return 0;
  },
};

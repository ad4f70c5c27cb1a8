import { fileURLToPath } from 'node:url';
import type { Command } from '../command.ts';
import { runPipeline } from '../runPipeline.ts';
import { parse } from './parse.ts';
import { groupByOption } from './pipeline.ts';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The demo is self-contained whatever the shell exports: its own emulators, the recorded data. */
function withoutConnections(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(STORAGE|EVENTHUB)(__|$)|^WEATHER_API_URL$/.test(key)));
}

export const command: Command = {
  description: [
    'Runs the seed\'s 50 US cities for 2023-01-01..2023-08-30 against the bundled recorded Open-Meteo data, with no',
    'network, prints a compact summary (per month across the cities: the seed\'s query) and the run\'s ledger, and',
    'writes every city and month to out/demo/aggregates.json and .csv, and the chart to out/demo/dashboard.html.',
  ].join('\n'),
  usage: [
    'Usage: npm run demo [-- --group-by DIMS --verbose]',
    '',
    '  --group-by DIMS   the table printed at the end: a comma list of city, year, month, day, or all',
    '                    (default year,month; city,year,month prints every city-month)',
    '  --verbose         print every function log line',
  ].join('\n'),
  async run(argv) {
    const args = parse(argv, { verbose: { type: 'boolean', default: false }, 'group-by': { type: 'string', default: 'year,month' } });
    const groupBy = groupByOption(args['group-by'] ?? 'year,month');
    await runPipeline({
      cities: repo('local/data/us50-2023/cities.jsonl'),
      start: '2023-01-01',
      end: '2023-08-30',
      json: repo('out/demo/aggregates.json'),
      csv: repo('out/demo/aggregates.csv'),
      groupBy,
      offline: true,
      verbose: args.verbose ?? false,
      env: withoutConnections(process.env),
      timeoutMs: 180_000,
    });
    return 0;
  },
};

import { fileURLToPath } from 'node:url';
import type { Command } from '../command.ts';
import { runPipeline } from '../runPipeline.ts';
import { parse } from './parse.ts';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The demo is self-contained whatever the shell exports: its own emulators, the recorded data. */
function withoutConnections(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(STORAGE|EVENTHUB)(__|$)|^WEATHER_API_URL$/.test(key)));
}

export const command: Command = {
  description: 'Runs the seed\'s 50 US cities for 2023-01-01..2023-08-30 against the bundled recorded Open-Meteo data, with no network, and writes out/demo/aggregates.json and out/demo/dashboard.html.',
  usage: 'Usage: npm run demo [-- --verbose]',
  async run(argv) {
    const args = parse(argv, { verbose: { type: 'boolean', default: false } });
    await runPipeline({
      cities: repo('local/data/us50-2023/cities.jsonl'),
      start: '2023-01-01',
      end: '2023-08-30',
      json: repo('out/demo/aggregates.json'),
      offline: true,
      verbose: args.verbose ?? false,
      env: withoutConnections(process.env),
      timeoutMs: 180_000,
    });
    return 0;
  },
};

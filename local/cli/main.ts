#!/usr/bin/env node
// weather-pipeline: one screen of entry point. Subcommands load lazily, so `--help` starts instantly.
import type { Command } from './command.ts';
import { CLIError, EXIT_CODES_HELP } from './errors.ts';
import { printableLines } from '../printable.ts';


const COMMANDS: Record<string, { description: string; load: () => Promise<Command> }> = {
  pipeline: { description: 'Run a city file through the whole pipeline on this machine', load: async () => (await import('./commands/pipeline.ts')).command },
  demo: { description: 'The seed\'s 50 cities, 2023-01-01..2023-08-30, recorded data, no network', load: async () => (await import('./commands/demo.ts')).command },
  host: { description: 'Run the function app in the local host against the settings (like func start)', load: async () => (await import('./commands/host.ts')).command },
  query: { description: 'Ad-hoc queries over the stored aggregates (groupBy city, year, month, day; across cities)', load: async () => (await import('./commands/query.ts')).command },
  upload: { description: 'Upload a city file to the running app (npm run host, func start, Azure); print its run\'s ledger', load: async () => (await import('./commands/upload.ts')).command },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: weather-pipeline <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.description}`),
    '',
    'Run `weather-pipeline <command> --help` for its options.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2; // no command is a usage error, like any other
  }
  const entry = COMMANDS[name];
  let command: Command | undefined;
  try {
    if (!entry) throw new CLIError('E_USAGE', `Unknown command "${name}"`);
    command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`${command.usage}\n\n${command.description}\n\n${EXIT_CODES_HELP}`);
      return 0;
    }
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CLIError) {
      console.error(`error ${error.code}: ${printableLines(error.message)}`);
      if (error.code === 'E_USAGE') console.error(`\n${command ? command.usage : usage()}`);
      return 2;
    }
    console.error(printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    return 1;
  }
}

if (import.meta.main) {
  // Exit explicitly: an SDK keep-alive socket must not hold a finished run open.
  process.exit(await main(process.argv.slice(2)));
}

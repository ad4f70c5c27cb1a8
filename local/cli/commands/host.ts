import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '../main.ts';
import { definitions } from '../../../functions/definitions/index.ts';
import type { FunctionDefinition } from '../../../functions/app/definition.ts';
import { createLocalHost } from '../../host/createLocalHost.ts';
import { CLIError } from '../errors.ts';
import { parse, untilInterrupted } from './parse.ts';

/** local.settings.json Values under the environment, as Core Tools reads them. */
function loadSettings(file: string): Record<string, string | undefined> {
  if (!existsSync(file)) return { ...process.env };
  const values = (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
  return { ...values, ...process.env };
}

/** `--functions a,b` runs only those, as `func start --functions` does (one role per process, e.g. the aggregator). */
export function selectFunctions(list: string | undefined): readonly FunctionDefinition[] {
  if (list === undefined) return definitions;
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !definitions.some((d) => d.name === name));
  if (names.length === 0 || unknown.length > 0) {
    throw new CLIError('E_USAGE', `--functions takes names of this app's functions (${definitions.map((d) => d.name).join(', ')}); unknown: ${unknown.join(', ') || '(none given)'}`);
  }
  return definitions.filter((d) => names.includes(d.name));
}

export const command: Command = {
  description: 'Runs every function of the app in the local host (queues, timer, Event Hubs, HTTP on localhost:7071/api) with the settings of local.settings.json and the environment — what `func start` does, without Core Tools. Ctrl-C stops it.',
  usage: 'Usage: npm run host [-- --port 7071 --settings local.settings.json --functions name,name --verbose]',
  async run(argv) {
    const args = parse(argv, {
      port: { type: 'string', default: '7071' },
      settings: { type: 'string', default: 'local.settings.json' },
      functions: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CLIError('E_USAGE', `--port must be a port number, got "${args.port}"`);
    const selected = selectFunctions(args.functions);
    let host;
    try {
      host = createLocalHost({ definitions: selected, settings: loadSettings(args.settings ?? 'local.settings.json'), httpPort: port, verbose: args.verbose ?? false });
    } catch (error) {
      throw new CLIError('E_CONFIG', (error as Error).message);
    }
    await host.start();
    const { url, functionKey, masterKey, keysGenerated } = host.http;
    console.log(`Functions: ${selected.map((d) => `${d.name} (${d.trigger.type})`).join(', ')}`);
    console.log(`HTTP:      ${url}/…`);
    if (keysGenerated) console.log(`Keys for this run (set LOCAL_FUNCTION_KEY / LOCAL_MASTER_KEY to fix them):\n  function key ${functionKey}\n  master key   ${masterKey}`);
    console.log('Ctrl-C to stop.');
    const running = host;
    return untilInterrupted(() => running.stop());
  },
};

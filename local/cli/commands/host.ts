import type { Command } from '../command.ts';
import { definitions } from '../../../functions/definitions/index.ts';
import type { FunctionDefinition } from '../../../functions/app/definition.ts';
import { createLocalHost } from '../../host/createLocalHost.ts';
import { consoleSink } from '../../host/invocations.ts';
import { CLIError } from '../errors.ts';
import { parse, untilInterrupted } from './parse.ts';
import { loadSettings } from '../settingsFile.ts';
import { probeConnect, unreachable } from '../weatherApiReach.ts';

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
  description: [
    'Runs every function of the app in the local host (queues, timer, Event Hubs, HTTP on localhost:7071/api) with the',
    'settings of local.settings.json and the environment — what `func start` does, without Core Tools. Every line is',
    'timestamped (UTC): each invocation ends with one line (function, outcome, invocation id, duration, trigger ids:',
    'run, city, window, partition, route); a city file picked up prints its run id. Ctrl-C stops it.',
  ].join('\n'),
  usage: [
    'Usage: npm run host [-- options]',
    '',
    '  --port N              HTTP port (default 7071)',
    '  --settings FILE       app settings file (default local.settings.json; the environment wins)',
    '  --functions a,b       run only these functions (one role per process, like func start --functions)',
    '  --quiet               print only the one line per invocation, warnings and errors',
    '  --verbose             (the default) print every line the functions log as well',
  ].join('\n'),
  async run(argv) {
    const args = parse(argv, {
      port: { type: 'string', default: '7071' },
      settings: { type: 'string', default: 'local.settings.json' },
      functions: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    });
    if (args.quiet && args.verbose) throw new CLIError('E_USAGE', '--quiet and --verbose contradict each other');
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CLIError('E_USAGE', `--port must be a port number, got "${args.port}"`);
    const selected = selectFunctions(args.functions);
    let host;
    try {
      host = createLocalHost({ definitions: selected, settings: loadSettings(args.settings ?? 'local.settings.json'), httpPort: port, log: consoleSink(args.quiet ? 'invocations' : 'all') });
    } catch (error) {
      throw new CLIError('E_CONFIG', (error as Error).message);
    }
    await host.start();
    const { url, functionKey, masterKey, keysGenerated } = host.http;
    console.log(`Functions: ${selected.map((d) => `${d.name} (${d.trigger.type})`).join(', ')}`);
    console.log(`HTTP:      ${url}/…`);
    if (keysGenerated) console.log(`Keys for this run (set LOCAL_FUNCTION_KEY / LOCAL_MASTER_KEY to fix them):\n  function key ${functionKey}\n  master key   ${masterKey}`);
    console.log('Ctrl-C to stop.');
    if (selected.some((d) => d.name === 'fetchCityWeather')) {
      const apiUrl = host.app.config.weather.url;
      // Said once at the start: a fetch that cannot connect otherwise only shows up as retries, job after job.
      void probeConnect(apiUrl).then((failure) => {
        if (failure) console.error(`warning: ${unreachable(apiUrl, failure, 'fetch jobs will fail and be retried').message}`);
      });
    }
    const running = host;
    return untilInterrupted(() => running.stop());
  },
};

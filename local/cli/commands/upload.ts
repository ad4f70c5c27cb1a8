import { access } from 'node:fs/promises';
import type { Command } from '../command.ts';
import { isValidDate } from '../../../functions/core/dates.ts';
import { CLIError } from '../errors.ts';
import { loadSettings } from '../settingsFile.ts';
import { uploadCities } from '../uploadCities.ts';
import { parse } from './parse.ts';

export const command: Command = {
  description: [
    'Uploads FILE to the `cities` container of the app that is already running (`npm run host`, `func start`, or Azure:',
    'STORAGE from the settings file or the environment), waits for that app to finish the run, and prints the rejected',
    'lines, the notices and the run\'s ledger. Starts no app and no emulator: use `npm run pipeline` for a one-shot run.',
  ].join('\n'),
  usage: [
    'Usage: npm run upload -- --cities FILE [options]',
    '',
    '  --cities FILE     city file: JSON lines or one JSON array of { city, lat, lng, id?, start?, end? }',
    '  --start DATE      with --end: the file\'s range (blob metadata) for lines that name none',
    '  --end DATE        (without them: the lines\' own ranges, else the app\'s DEFAULT_START_DATE/DEFAULT_END_DATE)',
    '  --name BLOB       blob name in cities/ (default: the file\'s name; the same name and content is the same run)',
    '  --settings FILE   app settings (default local.settings.json; the environment wins)',
    '  --timeout SECS    give up when the run has not balanced after this long (default 900)',
    '  --wait-for-app SECS  give up when no app has picked the file up after this long (default 60)',
  ].join('\n'),
  async run(argv) {
    const args = parse(argv, {
      cities: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      name: { type: 'string' },
      settings: { type: 'string', default: 'local.settings.json' },
      timeout: { type: 'string' },
      'wait-for-app': { type: 'string' },
    });
    if (!args.cities) throw new CLIError('E_USAGE', '--cities is required');
    if ((args.start === undefined) !== (args.end === undefined)) throw new CLIError('E_USAGE', '--start and --end go together');
    for (const [flag, value] of [['--start', args.start], ['--end', args.end]] as const) {
      if (value !== undefined && !isValidDate(value)) throw new CLIError('E_USAGE', `${flag} must be a date YYYY-MM-DD, got "${value}"`);
    }
    if (args.start && args.end && args.start > args.end) throw new CLIError('E_USAGE', `--start (${args.start}) is after --end (${args.end})`);
    const timeout = args.timeout === undefined ? 900 : Number(args.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new CLIError('E_USAGE', `--timeout must be a positive number of seconds, got "${args.timeout}"`);
    const waitForApp = args['wait-for-app'] === undefined ? 60 : Number(args['wait-for-app']);
    if (!Number.isFinite(waitForApp) || waitForApp <= 0) throw new CLIError('E_USAGE', `--wait-for-app must be a positive number of seconds, got "${args['wait-for-app']}"`);
    if (args.name !== undefined && (args.name.trim() === '' || args.name.length > 1024)) throw new CLIError('E_USAGE', '--name must be a blob name');
    try {
      await access(args.cities);
    } catch {
      throw new CLIError('E_FILE', `City file "${args.cities}" does not exist or cannot be read`);
    }
    await uploadCities({
      cities: args.cities,
      ...(args.start && args.end ? { range: { start: args.start, end: args.end } } : {}),
      ...(args.name ? { name: args.name } : {}),
      settings: loadSettings(args.settings ?? 'local.settings.json'),
      timeoutMs: timeout * 1000,
      pickupTimeoutMs: waitForApp * 1000,
    });
    return 0;
  },
};

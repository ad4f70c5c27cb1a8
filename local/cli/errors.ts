// The CLI's one error type: a stable code for scripts, a message for people. Only main.ts prints it, and exits 2.

/** Every code, with what it means: `--help` and the README list these. */
export const ERROR_CODES = {
  E_USAGE: 'unknown command or option, a missing or malformed argument',
  E_FILE: 'the city file is missing or unreadable',
  E_OFFLINE: '--offline, but the city file asks for places or dates the recording does not have (see --synthetic)',
  E_CONFIG: 'settings (local.settings.json, the environment) are invalid',
  E_NETWORK: 'the weather API cannot be reached: no network without --offline, or a wrong WEATHER_API_URL',
  E_START: 'an emulator or the local host could not start, or the upload failed',
  E_NO_APP: 'upload: no running app picked the file up',
  E_TIMEOUT: 'the app did not finish in time (--timeout)',
  E_POISON: 'a job failed for good and is in a poison queue (its days are counted as not fetched)',
  E_DEADLETTER: 'an event could not be aggregated and is in deadletter/',
  E_LEDGER: 'the run\'s ledger does not reconcile',
} as const;

export type CLIErrorCode = keyof typeof ERROR_CODES;

/** Exit statuses of every command. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  done: the run balanced (pipeline, demo, upload), or the host stopped with Ctrl-C',
  '  1  an unexpected error (a bug): its stack is printed',
  '  2  the command failed; stderr says `error E_<CODE>: <why>`:',
  ...Object.entries(ERROR_CODES).map(([code, meaning]) => `       ${code.padEnd(12)}  ${meaning}`),
].join('\n');

export class CLIError extends Error {
  readonly code: CLIErrorCode;
  constructor(code: CLIErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CLIError';
    this.code = code;
  }
}

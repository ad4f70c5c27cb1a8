// node:util parseArgs with its errors turned into E_USAGE, so they print with the command's usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CLIError } from '../errors.ts';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CLIError('E_USAGE', (error as Error).message);
  }
}

/** A `--flag SECS` option: its value as a positive number of seconds, `fallback` when it is absent. */
export function seconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new CLIError('E_USAGE', `${flag} must be a positive number of seconds, got "${raw}"`);
  return value;
}

/** Waits for Ctrl-C (or SIGTERM) and then runs `close`. */
export function untilInterrupted(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

// Creates InvocationContexts with prefixed logs and keeps the counts the idle check and the CLI's progress read.
import { randomUUID } from 'node:crypto';
import functions from '@azure/functions';
import type { InvocationContext, LogLevel } from '@azure/functions';
import { ensureErrorType } from '../../functions/errors.ts';
import { printableLines } from '../printable.ts';

const { InvocationContext: Context } = functions;

export type LogSink = (level: LogLevel, line: string) => void;

export interface FunctionStats {
  started: number;
  succeeded: number;
  failed: number;
}

/** Prints warnings and errors; everything else only when verbose. */
export function consoleSink(verbose: boolean): LogSink {
  return (level, line) => {
    // Function logs can quote input (a city name, a reason): a terminal must not act on control characters in it.
    if (level === 'error' || level === 'critical' || level === 'warning') console.error(printableLines(line));
    else if (verbose) console.log(printableLines(line));
  };
}

function format(args: unknown[]): string {
  return args
    .map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? (arg.stack ?? arg.message) : JSON.stringify(arg)))
    .join(' ');
}

export class InvocationTracker {
  readonly #sink: LogSink;
  readonly #stats = new Map<string, FunctionStats>();
  #running = 0;
  /** Bumped at every start and end, so an idle probe can tell whether anything ran while it looked. */
  #generation = 0;

  /** `redact` sees every line first: a key, a token or a connection string never reaches the sink. */
  constructor(sink: LogSink, redact: (line: string) => string = (line) => line) {
    this.#sink = (level, line) => sink(level, redact(line));
  }

  get running(): number {
    return this.#running;
  }

  get generation(): number {
    return this.#generation;
  }

  stats(): Record<string, FunctionStats> {
    return Object.fromEntries([...this.#stats].map(([name, s]) => [name, { ...s }]));
  }

  /** Host-level lines (not from a function), same sink. */
  log(level: LogLevel, message: string): void {
    this.#sink(level, `[host] ${message}`);
  }

  context(functionName: string, triggerMetadata: Record<string, unknown>, retryContext?: { retryCount: number; maxRetryCount: number }): InvocationContext {
    const invocationId = randomUUID();
    const prefix = `[${functionName}:${invocationId.slice(0, 8)}]`;
    return new Context({
      invocationId,
      functionName,
      triggerMetadata,
      ...(retryContext ? { retryContext } : {}),
      logHandler: (level, ...args) => this.#sink(level, `${prefix} ${format(args)}`),
    });
  }

  /** Runs one invocation; returns its error instead of throwing so each trigger decides what failure means. */
  async invoke(functionName: string, context: InvocationContext, run: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: Error }> {
    const stats = this.#stats.get(functionName) ?? { started: 0, succeeded: 0, failed: 0 };
    this.#stats.set(functionName, stats);
    stats.started++;
    this.#running++;
    this.#generation++;
    try {
      const value = await run();
      stats.succeeded++;
      return { ok: true, value };
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      stats.failed++;
      context.error(`Executed '${functionName}' (Failed): ${error.message}`);
      return { ok: false, error };
    } finally {
      this.#running--;
      this.#generation++;
    }
  }

  /** Marks host work that is not an invocation (a batch in retry back-off, a watcher scan) as busy. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.#running++;
    this.#generation++;
    try {
      return await work();
    } finally {
      this.#running--;
      this.#generation++;
    }
  }
}

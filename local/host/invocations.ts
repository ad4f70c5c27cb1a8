// Creates InvocationContexts with prefixed logs and keeps the counts the idle check and the CLI's progress read.
import { randomUUID } from 'node:crypto';
import functions from '@azure/functions';
import type { InvocationContext, LogLevel } from '@azure/functions';
import { ensureErrorType } from '../../functions/errors.ts';
import { printableLines } from '../printable.ts';

const { InvocationContext: Context } = functions;

/** `invocation` marks the one summary line each invocation ends with (see InvocationTracker.invoke). */
export type LogSink = (level: LogLevel, line: string, kind?: 'invocation') => void;

export interface FunctionStats {
  started: number;
  succeeded: number;
  failed: number;
}

/**
 * What the console shows, each line with a UTC timestamp: `quiet` (or false) warnings and errors; `invocations` also
 * one line per invocation; `all` (or true) every line, as `func start` does.
 */
export function consoleSink(show: boolean | 'quiet' | 'invocations' | 'all'): LogSink {
  const mode = show === true ? 'all' : show === false ? 'quiet' : show;
  return (level, line, kind) => {
    // Function logs can quote input (a city name, a reason): a terminal must not act on control characters in it.
    const stamped = () => `${new Date().toISOString()} ${printableLines(line)}`;
    if (level === 'error' || level === 'critical' || level === 'warning') console.error(stamped());
    else if (mode === 'all' || (mode === 'invocations' && kind === 'invocation')) console.log(stamped());
  };
}

/** What identifies the work of one invocation, from its trigger metadata and input; never a query value or a key. */
export function triggerIds(metadata: Record<string, unknown> | undefined, input?: unknown): string {
  const ids: string[] = [];
  const m = metadata ?? {};
  const partition = (m.partitionContext as { partitionId?: unknown } | undefined)?.partitionId;
  const sequence = m.sequenceNumberArray;
  if (partition !== undefined && Array.isArray(sequence)) {
    ids.push(`partition=${String(partition)}`, `events=${sequence.length}`);
    if (sequence.length > 0) ids.push(`sequence=${String(sequence[0])}..${String(sequence.at(-1))}`);
  }
  if (typeof m.id === 'string') ids.push(`message=${m.id}`);
  if (typeof m.dequeueCount === 'number') ids.push(`dequeueCount=${m.dequeueCount}`);
  const params = m.params as Record<string, unknown> | undefined;
  if (params && typeof params === 'object') for (const [name, value] of Object.entries(params)) ids.push(`${name}=${String(value).slice(0, 80)}`);
  const body = Array.isArray(input) && input.length === 1 ? input[0] : input;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    if (typeof o.runId === 'string') ids.push(`run=${o.runId}`);
    if (typeof o.cityId === 'string') ids.push(`city=${o.cityId}`);
    if (typeof o.start === 'string' && typeof o.end === 'string') ids.push(`${o.start}..${o.end}`);
    if (typeof o.subject === 'string') ids.push(`blob=${o.subject.replace(/^\/blobServices\/default\/containers\//, '').replace('/blobs/', '/')}`);
  }
  return ids.join(' ');
}

function format(args: unknown[]): string {
  return args
    .map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? (arg.stack ?? arg.message) : JSON.stringify(arg)))
    .join(' ');
}

/** What a listener learns of each finished invocation. */
export interface InvocationOutcome {
  functionName: string;
  ok: boolean;
  error?: Error;
}

export class InvocationTracker {
  readonly #sink: LogSink;
  readonly #listeners = new Set<(outcome: InvocationOutcome) => void>();
  readonly #stats = new Map<string, FunctionStats>();
  #running = 0;
  /** Bumped at every start and end, so an idle probe can tell whether anything ran while it looked. */
  #generation = 0;

  /** `redact` sees every line first: a key, a token or a connection string never reaches the sink. */
  constructor(sink: LogSink, redact: (line: string) => string = (line) => line) {
    this.#sink = (level, line, kind) => sink(level, redact(line), kind);
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

  /** Calls `listener` after every invocation (the CLI watches the first fetches); returns the unsubscribe. */
  onInvocation(listener: (outcome: InvocationOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #notify(outcome: InvocationOutcome): void {
    for (const listener of this.#listeners) {
      try {
        listener(outcome);
      } catch {
        // a listener's failure is not the invocation's
      }
    }
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

  /**
   * Runs one invocation; returns its error instead of throwing so each trigger decides what failure means. Ends with
   * one line, as the Functions host writes it: the function, outcome, invocation id, duration and the trigger's ids
   * (`input`, when given, is the trigger's payload: a queue message names its run, city and window).
   */
  async invoke(functionName: string, context: InvocationContext, run: () => Promise<unknown>, input?: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: Error }> {
    const stats = this.#stats.get(functionName) ?? { started: 0, succeeded: 0, failed: 0 };
    this.#stats.set(functionName, stats);
    stats.started++;
    this.#running++;
    this.#generation++;
    const started = performance.now();
    const summary = (outcome: string) => {
      const ids = triggerIds(context.triggerMetadata, input);
      return `[${functionName}:${context.invocationId.slice(0, 8)}] Executed '${functionName}' (${outcome}, Id=${context.invocationId}, Duration=${Math.round(performance.now() - started)}ms)${ids ? ` ${ids}` : ''}`;
    };
    try {
      const value = await run();
      stats.succeeded++;
      this.#sink('information', summary('Succeeded'), 'invocation');
      this.#notify({ functionName, ok: true });
      return { ok: true, value };
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      stats.failed++;
      this.#sink('error', `${summary('Failed')}: ${error.message}`, 'invocation');
      this.#notify({ functionName, ok: false, error });
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

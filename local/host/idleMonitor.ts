// Decides when the app has nothing left to do: no message (visible, delayed or leased) in a trigger queue, no
// invocation running, every Event Hubs partition processed up to its last enqueued event. A probe counts only if
// nothing started or finished while it looked, so a handler that enqueues and then returns cannot slip past it.
import type { QueueServiceClient } from '@azure/storage-queue';
import type { InvocationTracker } from './invocations.ts';
import { sleep } from './sleep.ts';

export interface IdleSources {
  tracker: InvocationTracker;
  queueService: QueueServiceClient;
  queueNames: readonly string[];
  eventHubPending: readonly (() => Promise<number>)[];
  /** Resolves after a watcher scan that started after the call (so a blob written before it is announced). */
  freshScan(): Promise<unknown>;
}

export interface IdleProbe {
  idle: boolean;
  queued: number;
  eventsPending: number;
  running: number;
}

export async function probeIdle(sources: IdleSources): Promise<IdleProbe> {
  const { tracker } = sources;
  const generation = tracker.generation;
  const running = tracker.running;
  const counts = await Promise.all(
    sources.queueNames.map(async (name) => (await sources.queueService.getQueueClient(name).getProperties()).approximateMessagesCount ?? 0),
  );
  const pending = await Promise.all(sources.eventHubPending.map((p) => p()));
  const queued = counts.reduce((a, b) => a + b, 0);
  const eventsPending = pending.reduce((a, b) => a + b, 0);
  const quiet = running === 0 && tracker.running === 0 && tracker.generation === generation;
  return { idle: quiet && queued === 0 && eventsPending === 0, queued, eventsPending, running };
}

export class IdleTimeoutError extends Error {
  readonly last: IdleProbe | undefined;
  constructor(timeoutMs: number, last: IdleProbe | undefined, cause?: unknown) {
    super(
      `The app was not idle after ${Number((timeoutMs / 1000).toFixed(1))} s` +
        (last ? ` (${last.queued} queued messages, ${last.eventsPending} unprocessed events, ${last.running} running)` : '') +
        (cause === undefined ? '' : `; the last check failed: ${cause instanceof Error ? cause.message : String(cause)}`),
      cause === undefined ? undefined : { cause },
    );
    this.name = 'IdleTimeoutError';
    this.last = last;
  }
}

/**
 * Waits for two consecutive idle probes after a fresh watcher scan; throws IdleTimeoutError when time runs out. A
 * scan or probe that fails (storage throttled or unreachable past the SDK's retries) counts as not idle and is tried
 * again, as the host's listeners keep polling; the last failure is the timeout's cause. While an invocation runs the
 * app is busy by definition, so the probe (a request per queue and per partition) is left out until none does.
 */
export async function waitForIdle(sources: IdleSources, options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const signal = options.signal ?? new AbortController().signal;
  let last: IdleProbe | undefined;
  let failure: unknown;
  let scanned = false;
  let streak = 0;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      if (!scanned) await sources.freshScan();
      scanned = true;
      if (sources.tracker.running > 0) {
        streak = 0;
      } else {
        last = await probeIdle(sources);
        failure = undefined;
        streak = last.idle ? streak + 1 : 0;
        if (streak >= 2) return;
      }
    } catch (error) {
      failure = error;
      streak = 0;
    }
    await sleep(options.intervalMs ?? 50, signal);
  }
  // Say what is still pending, even when the app was too busy to be probed until now.
  if (failure === undefined) last = await probeIdle(sources).catch(() => last);
  throw new IdleTimeoutError(options.timeoutMs, last, failure);
}

// An interruptible sleep: stop() must not wait out a poller's back-off.
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the caller checks its own stop flag.
  }
}

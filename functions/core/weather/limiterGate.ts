// The async face of the pure limiter: callers await `acquire(weight)` and are admitted one at a time, in arrival
// order, so a heavy request is not starved by lighter ones slipping past it. Clock and sleep are injected.
import { EMPTY_LIMITER, tryAcquire, type LimitWindow, type LimiterState } from './rateLimiter.ts';

export interface LimiterGate {
  /**
   * Resolves when `weight` has been admitted: how long the caller waited (ms) and the instant the limiter counted it
   * at (callers that log or check their rate must use this instant, not a later clock reading).
   */
  acquire(weight: number): Promise<{ waitedMs: number; admittedAt: number }>;
}

export interface GateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: GateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createLimiterGate(windows: readonly LimitWindow[], clock: GateClock = realClock): LimiterGate {
  let state: LimiterState = EMPTY_LIMITER;
  let tail: Promise<unknown> = Promise.resolve();
  return {
    acquire(weight) {
      const turn = tail.then(async () => {
        const started = clock.now();
        for (;;) {
          const now = clock.now();
          const decision = tryAcquire(state, windows, weight, now);
          if (decision.allowed) {
            state = decision.state;
            return { waitedMs: now - started, admittedAt: now };
          }
          await clock.sleep(Math.ceil(decision.waitMs));
        }
      });
      // A rejected turn (a weight that can never fit) must not block the callers behind it.
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

// The limiter gate for a quota shared by every instance: calls spend slices this instance claimed from the store
// (one claim covers many calls), in arrival order. When the store cannot be reached the instance falls back to
// `limit / instances` of each window, so all instances cut off together stay within the limit; a short wait (the
// rest of a minute) is waited out here, a longer one (an hour or a day full) is handed back as a QuotaWaitError so
// the job is re-scheduled without holding an invocation. The store and clock are injected; no I/O here.
import { QuotaWaitError } from '../../errors.ts';
import type { GateClock, LimiterGate } from './limiterGate.ts';
import type { LimitWindow } from './rateLimiter.ts';
import { countedIn, EPSILON, sliceCap, sliceWant, windowStartOf, WINDOW_GUARD_MS, type ClaimResult, type WindowClaim } from './quotaWindows.ts';

export interface QuotaStore {
  /** Claims slices of several windows in one round trip; throws when the store cannot be reached. */
  claim(claims: readonly WindowClaim[]): Promise<ClaimResult[]>;
  /** The API said this window is full: no instance may claim more of it. */
  exhaust(window: LimitWindow, start: number): Promise<void>;
}

export interface SharedQuotaGate extends LimiterGate {
  /** A 429 naming this window: stop spending it here and shrink its shared allowance. */
  exceeded(windowName: string): Promise<void>;
  stats(): SharedQuotaStats;
}

export interface SharedQuotaStats {
  claims: number;
  storeErrors: number;
  /** Calls admitted on the fallback share (store unreachable). */
  fallbackCalls: number;
  lastStoreError: string | undefined;
}

export interface SharedQuotaGateOptions {
  windows: readonly LimitWindow[];
  store: QuotaStore;
  /** The most instances that may spend the quota at once: the fallback share is limit / instances. */
  instances: number;
  clock: GateClock;
  /** Longest a call waits here (from arrival) before it is handed back as a QuotaWaitError. */
  maxWaitMs?: number;
  /** After a failed claim, the store is tried again after this long; meanwhile the fallback share applies. */
  storeRetryMs?: number;
  guardMs?: number;
}

interface Slice {
  start: number;
  /** Granted by the store, owed weight included once reported. */
  granted: number;
  spent: number;
  lastGrant: number;
  exhausted: boolean;
  fallback: boolean;
}

export const DEFAULT_MAX_WAIT_MS = 90_000;
export const DEFAULT_STORE_RETRY_MS = 5_000;

export function createSharedQuotaGate(options: SharedQuotaGateOptions): SharedQuotaGate {
  const { windows, store, clock } = options;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const storeRetryMs = options.storeRetryMs ?? DEFAULT_STORE_RETRY_MS;
  const guardMs = options.guardMs ?? WINDOW_GUARD_MS;
  /** By window name and start: near a boundary a call is charged to two windows of a kind (countedIn). */
  const slices = new Map<string, Slice>();
  const stats: SharedQuotaStats = { claims: 0, storeErrors: 0, fallbackCalls: 0, lastStoreError: undefined };
  let storeDownUntil = Number.NEGATIVE_INFINITY;
  let tail: Promise<unknown> = Promise.resolve();

  const share = (window: LimitWindow) => window.limit / options.instances;
  const available = (slice: Slice, window: LimitWindow) => (slice.fallback ? Math.max(slice.granted, share(window)) : slice.granted) - slice.spent;
  const keyOf = (window: LimitWindow, start: number) => `${window.name}@${start}`;

  function sliceAt(window: LimitWindow, start: number): Slice {
    let slice = slices.get(keyOf(window, start));
    if (!slice) {
      // A busy instance starts the next window where it left off (its last slice), not from one call.
      const before = slices.get(keyOf(window, start - window.windowMs));
      slice = { start, granted: 0, spent: 0, lastGrant: (before?.lastGrant ?? 0) / 2, exhausted: false, fallback: false };
      slices.set(keyOf(window, start), slice);
      slices.delete(keyOf(window, start - 2 * window.windowMs));
    }
    return slice;
  }

  const sliceOf = (window: LimitWindow, now: number) => sliceAt(window, windowStartOf(window, now));

  /** Every slice a call made at `now` is charged to: each window's, and near a boundary its neighbour's too. */
  const chargedAt = (now: number) =>
    windows.flatMap((window) => countedIn(window, now, guardMs).map((start) => ({ window, slice: sliceAt(window, start), current: start === windowStartOf(window, now) })));

  async function claim(weight: number, now: number): Promise<void> {
    const requests: { window: LimitWindow; slice: Slice; claim: WindowClaim }[] = [];
    for (const { window, slice } of chargedAt(now)) {
      const owed = Math.max(0, slice.spent - slice.granted);
      const lacking = !slice.exhausted && available(slice, window) + EPSILON < weight;
      if (!lacking && owed === 0) continue;
      const need = lacking ? weight - Math.max(0, slice.granted - slice.spent) : 0;
      requests.push({ window, slice, claim: { window, start: slice.start, need, want: lacking ? sliceWant(need, slice.lastGrant, sliceCap(window)) : 0, owed } });
    }
    if (!requests.some((r) => r.claim.need > 0)) return;
    if (now < storeDownUntil) {
      for (const r of requests) r.slice.fallback = true;
      return;
    }
    try {
      const results = await store.claim(requests.map((r) => r.claim));
      stats.claims++;
      requests.forEach(({ slice, claim: c }, i) => {
        const result = results[i]!;
        slice.granted += c.owed + result.granted;
        if (result.granted > 0) slice.lastGrant = result.granted;
        slice.exhausted ||= result.exhausted;
        slice.fallback = false;
      });
    } catch (error) {
      stats.storeErrors++;
      stats.lastStoreError = error instanceof Error ? error.message : String(error);
      storeDownUntil = clock.now() + storeRetryMs;
      for (const r of requests) r.slice.fallback = true;
    }
  }

  /**
   * When the call can go at the earliest, if not now: the end of an exhausted window or the next store retry; with a
   * neighbouring window short near a boundary, once the boundary is `guardMs` behind (only this window counts then).
   */
  function blockedUntil(weight: number, now: number): { until: number; window: string; guard: boolean } | undefined {
    let blocked: { until: number; window: string; guard: boolean } | undefined;
    for (const { window, slice, current } of chargedAt(now)) {
      if (available(slice, window) + EPSILON >= weight) continue;
      const end = slice.start + window.windowMs;
      const boundary = Math.max(slice.start, windowStartOf(window, now));
      // Not exhausted and not on the fallback: the claim raced a window boundary; look again at once.
      const until = !current ? boundary + guardMs : slice.exhausted ? end : slice.fallback ? Math.min(end, Math.max(now, storeDownUntil)) : now;
      if (!blocked || until > blocked.until) blocked = { until, window: window.name, guard: !current };
    }
    return blocked;
  }

  const countsChanged = (before: number, after: number) =>
    windows.some((window) => countedIn(window, before, guardMs).join() !== countedIn(window, after, guardMs).join());

  return {
    acquire(weight) {
      if (!(weight > 0) || !Number.isFinite(weight)) return Promise.reject(new RangeError(`weight must be a positive number, got ${weight}`));
      const tooHeavy = windows.find((w) => weight > w.limit + EPSILON);
      if (tooHeavy) {
        return Promise.reject(new RangeError(`a request weighing ${weight.toFixed(2)} can never fit the ${tooHeavy.name} limit of ${tooHeavy.limit}`));
      }
      const arrived = clock.now();
      const turn = tail.then(async () => {
        for (;;) {
          const claimedAt = clock.now();
          await claim(weight, claimedAt);
          const now = clock.now();
          // The claim ran into a boundary or its guard band: claim again for what a call now is charged to.
          if (countsChanged(claimedAt, now)) continue;
          const blocked = blockedUntil(weight, now);
          if (!blocked) {
            const charged = chargedAt(now).map((c) => c.slice);
            if (charged.some((slice) => slice.fallback)) stats.fallbackCalls++;
            for (const slice of charged) slice.spent += weight;
            return { waitedMs: now - arrived, admittedAt: now };
          }
          if (blocked.until <= now) continue;
          const waitMs = blocked.until - now;
          // A wait for a guard band to pass (at most twice guardMs) is never handed back; one for a spent window may be.
          if (now + waitMs - arrived > maxWaitMs && !blocked.guard) {
            throw new QuotaWaitError(`the shared ${blocked.window} quota is spent; the call would wait ${Math.ceil(waitMs / 1000)} s`, waitMs, blocked.window);
          }
          await clock.sleep(waitMs);
        }
      });
      // A rejected turn must not block the callers behind it.
      tail = turn.catch(() => undefined);
      return turn;
    },
    async exceeded(windowName) {
      const window = windows.find((w) => w.name === windowName);
      if (!window) return;
      const slice = sliceOf(window, clock.now());
      slice.exhausted = true;
      slice.granted = Math.min(slice.granted, slice.spent);
      slice.fallback = false;
      try {
        await store.exhaust(window, slice.start);
      } catch (error) {
        stats.storeErrors++;
        stats.lastStoreError = error instanceof Error ? error.message : String(error);
      }
    },
    stats: () => ({ ...stats }),
  };
}

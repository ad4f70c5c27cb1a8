import { describe, expect, it } from 'vitest';
import {
  EMPTY_LIMITER,
  limitWindows,
  tryAcquire,
  type LimitWindow,
  type LimiterState,
} from '../../../../functions/core/weather/rateLimiter.ts';

const windows: LimitWindow[] = [
  { name: 'second', windowMs: 1_000, limit: 10 },
  { name: 'ten', windowMs: 10_000, limit: 50 },
  { name: 'minute', windowMs: 60_000, limit: 200 },
];

/** A tiny deterministic PRNG so a failing schedule can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function usedIn(log: { at: number; weight: number }[], end: number, windowMs: number): number {
  return log.filter((e) => e.at > end - windowMs && e.at <= end).reduce((sum, e) => sum + e.weight, 0);
}

describe('limitWindows', () => {
  it('maps the configured limits to minute, hour and day windows', () => {
    expect(limitWindows({ perMinute: 600, perHour: 5_000, perDay: 10_000 })).toEqual([
      { name: 'minute', windowMs: 60_000, limit: 600 },
      { name: 'hour', windowMs: 3_600_000, limit: 5_000 },
      { name: 'day', windowMs: 86_400_000, limit: 10_000 },
    ]);
  });
});

describe('tryAcquire', () => {
  it('admits requests until a window is full, then names that window and the wait', () => {
    let state: LimiterState = EMPTY_LIMITER;
    for (let i = 0; i < 10; i++) {
      const decision = tryAcquire(state, windows, 1, 1_000 + i * 10);
      expect(decision.allowed).toBe(true);
      if (decision.allowed) state = decision.state;
    }
    const refused = tryAcquire(state, windows, 1, 1_095);
    // The first entry (at 1000) leaves the 1 s window at 2000.
    expect(refused).toEqual({ allowed: false, waitMs: 905, window: 'second' });
  });

  it('waits for as many old entries to expire as the new weight needs', () => {
    let state: LimiterState = EMPTY_LIMITER;
    for (const [at, weight] of [[0, 4], [100, 3], [200, 3]] as const) {
      const d = tryAcquire(state, windows, weight, at);
      if (!d.allowed) throw new Error('setup');
      state = d.state;
    }
    // 10 used; 6 more needs the entries at 0 (4) and 100 (3) gone: wait until 1100.
    expect(tryAcquire(state, windows, 6, 300)).toMatchObject({ allowed: false, waitMs: 800 });
    expect(tryAcquire(state, windows, 6, 1_100).allowed).toBe(true);
    expect(tryAcquire(state, windows, 6, 1_099).allowed).toBe(false);
  });

  it('never exceeds any window under a random weighted schedule, every wait is minimal, and the limit is used up', () => {
    const random = mulberry32(42);
    let state: LimiterState = EMPTY_LIMITER;
    const log: { at: number; weight: number }[] = [];
    const refusedBy: Record<string, number> = {};
    let now = 0;
    for (let n = 0; n < 3_000; n++) {
      now += Math.floor(random() * 150);
      const weight = random() < 0.2 ? 1 + random() * 4 : 1;
      const decision = tryAcquire(state, windows, weight, now);
      if (decision.allowed) {
        state = decision.state;
        log.push({ at: now, weight });
        for (const w of windows) expect(usedIn(log, now, w.windowMs)).toBeLessThanOrEqual(w.limit + 1e-9);
        continue;
      }
      refusedBy[decision.window] = (refusedBy[decision.window] ?? 0) + 1;
      expect(decision.waitMs).toBeGreaterThan(0);
      // Minimal: one millisecond earlier it is still refused; at the wait it is admitted.
      expect(tryAcquire(state, windows, weight, now + decision.waitMs - 1).allowed).toBe(false);
      const later = tryAcquire(state, windows, weight, now + decision.waitMs);
      expect(later.allowed).toBe(true);
      if (later.allowed) {
        now += decision.waitMs;
        state = later.state;
        log.push({ at: now, weight });
        for (const w of windows) expect(usedIn(log, now, w.windowMs)).toBeLessThanOrEqual(w.limit + 1e-9);
      }
    }
    // The schedule really pushed against every window (else the test proves nothing): ~13 requests a second
    // offered against 10 a second, 50 per 10 s and 200 a minute.
    for (const w of windows) expect(refusedBy[w.name] ?? 0, w.name).toBeGreaterThanOrEqual(100);
    // Minimal waits add up to throughput: over the run the tightest long-run window (200 a minute) is used up, not
    // left idle by over-long waits, and never overrun.
    const minutes = now / 60_000;
    const total = log.reduce((sum, e) => sum + e.weight, 0);
    expect(total).toBeGreaterThanOrEqual(0.95 * 200 * minutes);
    expect(total).toBeLessThanOrEqual(200 * (Math.floor(minutes) + 1));
    expect(usedIn(log, now, 60_000)).toBeGreaterThan(150);
  });

  it('forgets entries older than the longest window', () => {
    let state: LimiterState = EMPTY_LIMITER;
    for (let i = 0; i < 5; i++) {
      const d = tryAcquire(state, windows, 1, i);
      if (d.allowed) state = d.state;
    }
    const d = tryAcquire(state, windows, 1, 100_000);
    expect(d.allowed && d.state.entries).toEqual([{ at: 100_000, weight: 1 }]);
  });

  it('throws for a weight that can never fit a window', () => {
    expect(() => tryAcquire(EMPTY_LIMITER, windows, 11, 0)).toThrow(/never fit the second limit of 10/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('throws for weight %s', (weight) => {
    expect(() => tryAcquire(EMPTY_LIMITER, windows, weight, 0)).toThrow(RangeError);
  });

  it('drops an entry exactly as old as the longest window (it no longer counts) and keeps one a millisecond younger', () => {
    const state: LimiterState = { entries: [{ at: 0, weight: 1 }, { at: 1, weight: 1 }] };
    const d = tryAcquire(state, windows, 1, 60_000);
    expect(d.allowed && d.state.entries).toEqual([{ at: 1, weight: 1 }, { at: 60_000, weight: 1 }]);
  });

  it('names the first of two windows that need the same wait', () => {
    const twins: LimitWindow[] = [{ name: 'first', windowMs: 1_000, limit: 1 }, { name: 'second', windowMs: 1_000, limit: 1 }];
    expect(tryAcquire({ entries: [{ at: 0, weight: 1 }] }, twins, 1, 400)).toEqual({ allowed: false, waitMs: 600, window: 'first' });
  });

  it('answers the wait until the last entry leaves, not forever, when rounding keeps a weight just within the tolerance over it', () => {
    // 5 + 0.999…e-9 is within limit + 1e-9, but 4.5 + w - 5 - 4.5 comes out a few ulps above 1e-9.
    const five: LimitWindow[] = [{ name: 'five', windowMs: 1_000, limit: 5 }];
    const weight = 5.000000000999999;
    const state: LimiterState = { entries: [{ at: 0, weight: 4.5 }] };
    expect(tryAcquire(state, five, weight, 10)).toEqual({ allowed: false, waitMs: 990, window: 'five' });
    expect(tryAcquire(state, five, weight, 1_000).allowed).toBe(true);
  });

  it('refuses up front a weight an empty window could never admit, rather than answering an endless wait', () => {
    // 10 + 1e-9 - 10 is 1.00000008e-9 in doubles: over the tolerance, so it can never fit, not even alone.
    expect(() => tryAcquire(EMPTY_LIMITER, [{ name: 'ten', windowMs: 1_000, limit: 10 }], 10 + 1e-9, 0)).toThrow(/never fit the ten limit of 10/);
  });

  describe('the rounding tolerance of 1e-9 is inclusive (weights of a few 1e-9, where the sums are exact)', () => {
    const nano: LimitWindow[] = [{ name: 'nano', windowMs: 1_000, limit: 1e-9 }];
    const pair: LimitWindow[] = [{ name: 'pair', windowMs: 1_000, limit: 2e-9 }];

    it('admits a weight exactly 1e-9 over the limit into an empty window', () => {
      expect(tryAcquire(EMPTY_LIMITER, nano, 2e-9, 0).allowed).toBe(true);
    });

    it('admits a request that overshoots what is left by exactly 1e-9', () => {
      expect(tryAcquire({ entries: [{ at: 0, weight: 1e-9 }] }, nano, 1e-9, 10).allowed).toBe(true);
    });

    it('waits only for the entries whose leaving brings the overshoot down to exactly 1e-9', () => {
      const state: LimiterState = { entries: [{ at: 0, weight: 1e-9 }, { at: 100, weight: 1e-9 }] };
      expect(tryAcquire(state, pair, 2e-9, 200)).toEqual({ allowed: false, waitMs: 800, window: 'pair' });
    });
  });

  it('says which weight it refuses', () => {
    expect(() => tryAcquire(EMPTY_LIMITER, windows, 0, 0)).toThrow(new RangeError('weight must be a positive number, got 0'));
  });
});


// The API quota shared by every instance, as pure arithmetic: fixed UTC windows (minute, hour, day) as Open-Meteo
// counts them ("try again in the next hour"), each kept as one table entity that instances claim slices of and
// spend locally. Entity state and `now` in, a decision out; the table adapter does the reads and ETag writes.
import type { LimitWindow } from './rateLimiter.ts';

/** What one window's entity holds. `allowance` starts at the limit and shrinks when the API says the window is full. */
export interface WindowState {
  windowStart: number;
  claimed: number;
  allowance: number;
  /** Claims written to this window (observability: round trips per window). */
  claims: number;
}

export interface WindowClaim {
  window: LimitWindow;
  start: number;
  /** The least worth granting: what the waiting call still lacks (0 when only `owed` is reported). */
  need: number;
  /** What the instance would like, at most. */
  want: number;
  /** Weight already spent in this window without the store's grant (while it could not be reached). */
  owed: number;
}

export type ClaimPlan =
  | { outcome: 'granted'; granted: number; next: WindowState }
  /** Less than `need` is free; `next` records `owed` when there is any. */
  | { outcome: 'exhausted'; next: WindowState | undefined }
  /** The stored window is newer than `start`: this instance's clock is behind; wait for it to catch up. */
  | { outcome: 'ahead' };

// Weights are fractional (242 days weigh 17.29); sums of them carry rounding noise.
export const EPSILON = 1e-9;
/** A claim takes at most this share of what is still free, so a window is never held by one instance's slice. */
export const FREE_SHARE = 1 / 4;
/** A slice is at most this share of its window's limit: the most a killed instance can take with it. */
export const SLICE_CAP_SHARE = 1 / 16;
/** The clock skew between us and the API tolerated: a call this close to a boundary is charged to both windows. */
export const WINDOW_GUARD_MS = 1_000;

export function windowStartOf(window: LimitWindow, now: number): number {
  return Math.floor(now / window.windowMs) * window.windowMs;
}

/**
 * The entity's RowKey: the window's name and start time of day. Windows divide a day, so the table holds one day
 * of slots per window length and each slot is reused by the same time tomorrow (the stored start tells them apart):
 * 1,440 + 24 + 1 entities per quota, forever, and no clean-up job.
 */
export function windowRowKey(window: LimitWindow, start: number): string {
  return `${window.name}|${new Date(start).toISOString().slice(11, 19)}`;
}

/**
 * The starts of the windows the API may count a call made at `now` in, given up to `guardMs` of clock skew between
 * us and it: this window's, and the adjacent one's within `guardMs` of a boundary. A call charged to all of them
 * keeps every window within its limit whichever side the API puts it on.
 */
export function countedIn(window: LimitWindow, now: number, guardMs: number): number[] {
  const start = windowStartOf(window, now);
  if (now - start < guardMs) return [start - window.windowMs, start];
  if (start + window.windowMs - now <= guardMs) return [start, start + window.windowMs];
  return [start];
}

/** Slow start: twice the last slice, from an eighth of the cap (or twice the need), up to the cap. */
export function sliceWant(need: number, lastGrant: number, cap: number): number {
  return Math.max(need, Math.min(cap, lastGrant > 0 ? lastGrant * 2 : Math.max(need * 2, cap / 8)));
}

/**
 * Longer windows get larger slices (an hour's is 5,000 / 16 ≈ 312 on the free tier), so most claims touch the minute
 * alone: every claim on a window competes with every other instance's claims on it.
 */
export function sliceCap(window: LimitWindow): number {
  return window.limit * SLICE_CAP_SHARE;
}

/** The state a claim works on: the stored window if it is this one, a fresh one for a slot last used earlier. */
function current(stored: WindowState | undefined, window: LimitWindow, start: number): WindowState | 'ahead' {
  if (stored && stored.windowStart > start) return 'ahead';
  if (stored && stored.windowStart === start) return { ...stored, allowance: Math.min(stored.allowance, window.limit) };
  return { windowStart: start, claimed: 0, allowance: window.limit, claims: 0 };
}

export function planClaim(stored: WindowState | undefined, claim: WindowClaim): ClaimPlan {
  const state = current(stored, claim.window, claim.start);
  if (state === 'ahead') return { outcome: 'ahead' };
  // Spent weight is recorded even past the allowance: it happened, and others must see it.
  const claimed = state.claimed + claim.owed;
  const free = state.allowance - claimed;
  if (free + EPSILON < claim.need) {
    return { outcome: 'exhausted', next: claim.owed > 0 ? { ...state, claimed, claims: state.claims + 1 } : undefined };
  }
  const granted = Math.max(0, Math.min(free, Math.max(claim.need, Math.min(claim.want, free * FREE_SHARE))));
  return { outcome: 'granted', granted, next: { ...state, claimed: claimed + granted, claims: state.claims + 1 } };
}

export interface ClaimResult {
  /** The new slice (0 when a window is short or when only owed weight was reported). */
  granted: number;
  exhausted: boolean;
}

/**
 * Claims several windows together, for one call that spends from each: if any window is short, nothing is granted
 * anywhere (a slice of the others would sit unused), though owed weight is still recorded. `writes[i]` is the state
 * to store for `claims[i]`, or undefined for no write.
 */
export function planClaims(stored: readonly (WindowState | undefined)[], claims: readonly WindowClaim[]): { writes: (WindowState | undefined)[]; results: ClaimResult[] } {
  const plans = claims.map((claim, i) => planClaim(stored[i], claim));
  if (plans.every((plan) => plan.outcome === 'granted')) {
    return {
      writes: plans.map((plan) => (plan.outcome === 'granted' ? plan.next : undefined)),
      results: plans.map((plan) => ({ granted: plan.outcome === 'granted' ? plan.granted : 0, exhausted: false })),
    };
  }
  const owedOnly = claims.map((claim, i) => (claim.owed > 0 ? planClaim(stored[i], { ...claim, need: 0, want: 0 }) : undefined));
  return {
    writes: owedOnly.map((plan) => (plan && plan.outcome !== 'ahead' ? plan.next : undefined)),
    results: plans.map((plan) => ({ granted: 0, exhausted: plan.outcome !== 'granted' })),
  };
}

/** The API answered 429 for this window: nobody may claim more of it than is already claimed. */
export function planExhaust(stored: WindowState | undefined, window: LimitWindow, start: number): WindowState | undefined {
  const state = current(stored, window, start);
  if (state === 'ahead' || state.allowance <= state.claimed) return undefined;
  return { ...state, allowance: state.claimed };
}

const REASONS: Record<string, RegExp> = { minute: /\bminutely\b/i, hour: /\bhourly\b/i, day: /\bdaily\b/i };

/** The window an Open-Meteo 429 names ("Minutely/Hourly/Daily API request limit exceeded"), if it names one. */
export function windowOf429(reason: string): string | undefined {
  return Object.keys(REASONS).find((name) => REASONS[name]!.test(reason));
}

// A weighted sliding-window log over several windows (per minute, hour, day), as pure functions: state and `now`
// in, a decision out. Why a log and not GCRA or a token bucket: those smooth a rate and, with a burst equal to the
// limit, let up to twice the limit through in one window; Open-Meteo counts calls per window, so only an exact
// log can promise "never more than N in any window". Its size is bounded by the largest window's limit (every
// entry weighs at least 1). Why hand-written: no maintained npm limiter is weighted, multi-window and pure
// (rate-limiter-flexible and limiter keep their own clocks and timers; bottleneck is unmaintained).
import type { WeatherApiLimits } from '../../config/loadConfig.ts';

export interface LimitWindow {
  name: string;
  windowMs: number;
  /** Total weight allowed in any window of `windowMs`. */
  limit: number;
}

export interface LimiterEntry {
  at: number;
  weight: number;
}

/** Entries in time order; treat as immutable. */
export interface LimiterState {
  readonly entries: readonly LimiterEntry[];
}

export type LimiterDecision =
  | { allowed: true; state: LimiterState }
  | { allowed: false; waitMs: number; window: string };

// Weights are fractional (242 days weigh 17.29); sums of them carry rounding noise.
const EPSILON = 1e-9;

export const EMPTY_LIMITER: LimiterState = { entries: [] };

export function limitWindows(limits: WeatherApiLimits): LimitWindow[] {
  return [
    { name: 'minute', windowMs: 60_000, limit: limits.perMinute },
    { name: 'hour', windowMs: 3_600_000, limit: limits.perHour },
    { name: 'day', windowMs: 86_400_000, limit: limits.perDay },
  ];
}

/** How long until `weight` fits in one window: 0 if it fits now. An entry stops counting at `at + windowMs`. */
function waitFor(entries: readonly LimiterEntry[], window: LimitWindow, weight: number, now: number): number {
  const from = now - window.windowMs;
  let first = entries.length;
  let used = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.at <= from) break;
    used += entry.weight;
    first = i;
  }
  let excess = used + weight - window.limit;
  if (excess <= EPSILON) return 0;
  // Expire the oldest entries until the new weight fits; the wait ends when the last of them leaves the window.
  for (let i = first; i < entries.length; i++) {
    const entry = entries[i]!;
    excess -= entry.weight;
    if (excess <= EPSILON) return entry.at + window.windowMs - now;
  }
  // Once every entry has left, what remains is weight - limit ≤ EPSILON (tryAcquire checks it), so the request fits
  // then; the running sums above may still be a few ulps over EPSILON, which must not turn the wait into forever.
  // (Reached only with entries in the window: over an empty one the excess is weight - limit, admitted above.)
  return entries[entries.length - 1]!.at + window.windowMs - now;
}

/**
 * Admits `weight` at `now` if every window has room, recording it; otherwise says how long to wait. The wait is
 * the smallest that admits the request, assuming nothing else is admitted meanwhile.
 */
export function tryAcquire(state: LimiterState, windows: readonly LimitWindow[], weight: number, now: number): LimiterDecision {
  if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`weight must be a positive number, got ${weight}`);
  let longest: { waitMs: number; window: string } | undefined;
  for (const window of windows) {
    // The same expression as waitFor's excess over an empty window, so a weight let through here fits an empty one.
    if (weight - window.limit > EPSILON) {
      throw new RangeError(`a request weighing ${weight.toFixed(2)} can never fit the ${window.name} limit of ${window.limit}`);
    }
    const waitMs = waitFor(state.entries, window, weight, now);
    if (waitMs > 0 && (!longest || waitMs > longest.waitMs)) longest = { waitMs, window: window.name };
  }
  if (longest) return { allowed: false, ...longest };
  const horizon = now - Math.max(0, ...windows.map((w) => w.windowMs));
  const kept = state.entries.filter((entry) => entry.at > horizon);
  return { allowed: true, state: { entries: [...kept, { at: now, weight }] } };
}

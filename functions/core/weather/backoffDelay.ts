// Retry pacing for transient upstream failures (AWS's "full jitter"): spreads retries of many workers apart.
/** Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

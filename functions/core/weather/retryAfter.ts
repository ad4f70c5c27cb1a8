// Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Anything unusable falls back to a
// default, so a 429 without the header still backs off.

export const DEFAULT_RETRY_AFTER_MS = 60_000;

export function parseRetryAfter(header: string | undefined, now: Date, fallbackMs = DEFAULT_RETRY_AFTER_MS): number {
  const value = header?.trim();
  if (!value) return fallbackMs;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names a weekday or month; V8's Date.parse would otherwise read "-5" or "1.5" as a year.
  const at = /[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return fallbackMs;
  return Math.max(0, at - now.getTime());
}

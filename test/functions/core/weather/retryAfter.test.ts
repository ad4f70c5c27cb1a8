import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER_MS, parseRetryAfter } from '../../../../functions/core/weather/retryAfter.ts';

const now = new Date('2023-09-23T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number]>([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['Sat, 23 Sep 2023 10:00:30 GMT', 30_000],
    ['Sat, 23 Sep 2023 09:59:00 GMT', 0],
    [undefined, DEFAULT_RETRY_AFTER_MS],
    ['', DEFAULT_RETRY_AFTER_MS],
    ['soon', DEFAULT_RETRY_AFTER_MS],
    ['-5', DEFAULT_RETRY_AFTER_MS],
    ['1.5', DEFAULT_RETRY_AFTER_MS],
    ['-5 Z', DEFAULT_RETRY_AFTER_MS], // one letter: V8's Date.parse would read it as the year -5 (so 0 ms)
    ['2023-09-23T10:00:30Z', DEFAULT_RETRY_AFTER_MS], // an ISO instant is not an HTTP date
  ])('reads %j as %i ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('uses the given fallback when the header is unusable', () => {
    expect(parseRetryAfter('later', now, 5_000)).toBe(5_000);
  });
});

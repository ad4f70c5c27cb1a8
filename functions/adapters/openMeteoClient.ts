// Open-Meteo archive client: one keep-alive undici Pool for the API's origin, a client-side limiter spending each
// request's weight before it is sent, and bounded retries (exponential backoff, full jitter) for what is
// transient: 5xx, network errors, timeouts and truncated or unparsable bodies. A 429 is not retried here: the
// caller re-schedules the whole job for Retry-After, so one busy minute never pins an invocation. The retry loop is
// ours rather than undici's RetryAgent because reading and validating the body belongs inside the retried unit.
import { Pool } from 'undici';
import { RateLimitedError, UpstreamError, ValidationError, ensureErrorType } from '../errors.ts';
import { backoffDelay } from '../core/weather/backoffDelay.ts';
import { daysBetween } from '../core/dates.ts';
import { createLimiterGate, realClock, type GateClock, type LimiterGate } from '../core/weather/limiterGate.ts';
import { windowOf429 } from '../core/weather/quotaWindows.ts';
import type { LimitWindow } from '../core/weather/rateLimiter.ts';
import { requestWeight } from '../core/weather/requestWeight.ts';
import { parseRetryAfter } from '../core/weather/retryAfter.ts';
import { validateArchiveResponse, type ArchiveResponse } from '../core/weather/validateArchiveResponse.ts';

export interface ArchiveRequest {
  lat: number;
  lng: number;
  start: string; // YYYY-MM-DD
  end: string; // YYYY-MM-DD
}

export interface ArchiveResult {
  response: ArchiveResponse;
  /** The response body exactly as received (what raw/ keeps); `response` is this, parsed and validated. */
  body: Buffer;
  /** Weight of one call; `attempts` calls were spent. */
  weight: number;
  attempts: number;
  /** Time spent waiting for the limiter, all attempts together. */
  limiterWaitMs: number;
}

export interface OpenMeteoClient {
  fetchArchive(request: ArchiveRequest): Promise<ArchiveResult>;
  close(): Promise<void>;
}

export interface RetryOptions {
  /** Total tries per request, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface OpenMeteoClientOptions {
  url: string;
  apiKey?: string | undefined;
  /** Connect, headers and body (idle) timeouts; a whole attempt is also cut off at twice this. */
  timeoutMs: number;
  limits: readonly LimitWindow[];
  /** The gate calls pass (the app's shared quota); a per-process limiter over `limits` when absent. */
  gate?: QuotaGate;
  retry?: Partial<RetryOptions>;
  /** Sockets kept to the API's origin. */
  connections?: number;
  clock?: GateClock;
  random?: () => number;
  /** Called as each call is admitted by the limiter (metrics, tests): when, and the weight it spends. */
  onCall?: (call: { at: number; weight: number }) => void;
}

/** A gate that may also hear of a 429 naming a window (the shared quota shrinks that window). */
export type QuotaGate = LimiterGate & { exceeded?(windowName: string): Promise<void> };

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };

function archiveQuery(request: ArchiveRequest, apiKey: string | undefined): string {
  const query = new URLSearchParams({
    latitude: String(request.lat),
    longitude: String(request.lng),
    start_date: request.start,
    end_date: request.end,
    hourly: 'temperature_2m',
    timezone: 'UTC',
  });
  if (apiKey) query.set('apikey', apiKey);
  return query.toString();
}

/** The `reason` of an Open-Meteo error body, else a short excerpt of the body. */
function reasonOf(text: string): string {
  try {
    const body = JSON.parse(text) as { reason?: unknown };
    if (typeof body.reason === 'string') return body.reason;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || '(empty body)';
}

class Transient extends UpstreamError {}

// As undici's body.text() decodes (a BOM is dropped), so the kept bytes parse the same way at replay.
const utf8 = new TextDecoder('utf-8');

export function createOpenMeteoClient(options: OpenMeteoClientOptions): OpenMeteoClient {
  const url = new URL(options.url);
  // The key travels in the query only; messages name origin + path, never the query.
  const endpoint = `${url.origin}${url.pathname}`;
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 16,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const clock = options.clock ?? realClock;
  const gate: QuotaGate = options.gate ?? createLimiterGate(options.limits, clock);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };

  async function attempt(request: ArchiveRequest): Promise<{ response: ArchiveResponse; body: Buffer }> {
    let status: number;
    let bytes: Buffer;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await pool.request({
        method: 'GET',
        path: `${url.pathname}?${archiveQuery(request, options.apiKey)}`,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs * 2),
      });
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      bytes = Buffer.from(await response.body.arrayBuffer());
      text = utf8.decode(bytes);
    } catch (error) {
      const cause = ensureErrorType(error);
      throw new Transient(`GET ${endpoint} failed: ${cause.name}: ${cause.message}`, { cause });
    }
    if (status === 429) {
      const reason = reasonOf(text);
      // Another app on the same key or IP spent the window the reason names: stop claiming it, app-wide.
      const named = options.limits.find((w) => w.name === windowOf429(reason));
      if (named) await gate.exceeded?.(named.name);
      const untilWindowEnd = named ? named.windowMs - (clock.now() % named.windowMs) : undefined;
      throw new RateLimitedError(`Open-Meteo answered 429: ${reason}`, parseRetryAfter(retryAfter, new Date(clock.now()), untilWindowEnd));
    }
    if (status === 400) throw new ValidationError('request', `Open-Meteo refused the request: ${reasonOf(text)}`);
    if (status >= 500) throw new Transient(`Open-Meteo answered ${status}: ${reasonOf(text)}`, { status });
    if (status !== 200) throw new UpstreamError(`Open-Meteo answered ${status}: ${reasonOf(text)}`, { status });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new Transient(`Open-Meteo sent a body that is not JSON (${text.length} bytes; truncated?)`, { status, cause: error });
    }
    return { response: validateArchiveResponse(body), body: bytes };
  }

  return {
    async fetchArchive(request) {
      const weight = requestWeight(daysBetween(request.start, request.end) + 1);
      let limiterWaitMs = 0;
      for (let tries = 1; ; tries++) {
        const admission = await gate.acquire(weight);
        limiterWaitMs += admission.waitedMs;
        options.onCall?.({ at: admission.admittedAt, weight });
        try {
          return { ...(await attempt(request)), weight, attempts: tries, limiterWaitMs };
        } catch (error) {
          if (!(error instanceof Transient) || tries >= retry.attempts) {
            if (error instanceof Transient) {
              throw new UpstreamError(`${error.message} (after ${tries} attempts)`, { status: error.status, cause: error.cause });
            }
            throw error;
          }
          await clock.sleep(backoffDelay(tries - 1, retry.baseDelayMs, retry.maxDelayMs, options.random));
        }
      }
    },
    close: () => pool.close(),
  };
}

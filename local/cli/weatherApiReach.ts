// Without network (and without --offline), every fetch fails to connect and the queue's retries would carry on for
// about 15 minutes with nothing said. The CLI checks twice: before starting anything it tries to open a connection to
// WEATHER_API_URL's host (DNS and TCP only: no request, no API call spent); and while the run goes, it watches the
// fetch invocations, and when the first ones have all failed to connect (every attempt of each) and none has
// succeeded, it stops the run. Either way the error names --offline and WEATHER_API_URL.
import { connect } from 'node:net';
import type { LocalHost } from '../host/createLocalHost.ts';
import { CLIError } from './errors.ts';

/** Error codes that mean "could not connect" (resolution, refusal, unreachable, connect timeout), not an HTTP answer. */
const CONNECT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The message of the first error in the cause chain whose code says it could not connect. */
export function connectFailure(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && CONNECT_CODES.has(e.code)) return typeof e.message === 'string' ? e.message : e.code;
  }
  return undefined;
}

/** `scheme://host:port` of the endpoint: never its path or query (which may carry a key). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

export function unreachable(url: string, detail: string, observed: string): CLIError {
  return new CLIError('E_NETWORK', [
    `Cannot connect to the weather API at ${originOf(url)} (${detail}): ${observed}.`,
    'Without network, run with --offline (the bundled recording: the seed\'s 50 US cities, 2023-01-01..2023-08-30);',
    'otherwise set WEATHER_API_URL to an archive endpoint you can reach (for example the stand-in: `npm run openmeteo`,',
    'then WEATHER_API_URL=http://127.0.0.1:8089/v1/archive).',
  ].join('\n'));
}

/** Opens (and closes) one TCP connection to the URL's host and port; the failure's message, or undefined. */
export function probeConnect(url: string, timeoutMs = 10_000): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(`WEATHER_API_URL is not a URL`);
  }
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (failure: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure);
    };
    const timer = setTimeout(() => done(`no connection within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(connectFailure(error) ?? undefined));
  });
}

/**
 * Rejects (E_NETWORK) once `threshold` fetch invocations have failed to connect on every attempt while none has
 * succeeded; settles never otherwise. `stop()` ends the watch.
 */
export function watchFetches(host: Pick<LocalHost, 'onInvocation'>, url: string, options: { functionName?: string; threshold?: number } = {}): { failed: Promise<never>; stop(): void } {
  const name = options.functionName ?? 'fetchCityWeather';
  const threshold = options.threshold ?? 3;
  let failures = 0;
  let reject: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, fail) => (reject = fail));
  failed.catch(() => undefined); // observed by whoever races it
  const stop = host.onInvocation((outcome) => {
    if (outcome.functionName !== name) return;
    if (outcome.ok) return stop(); // the API answers: any later failure is the retries' business
    const detail = connectFailure(outcome.error);
    if (detail === undefined) return stop();
    if (++failures >= threshold) {
      stop();
      reject(unreachable(url, detail, `every attempt of the first ${failures} fetch jobs failed to connect`));
    }
  });
  return { failed, stop };
}

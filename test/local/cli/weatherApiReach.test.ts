import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectFailure, probeConnect, watchFetches } from '../../../local/cli/weatherApiReach.ts';
import type { InvocationOutcome } from '../../../local/host/invocations.ts';

const listening = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
const closedPort = async () => {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('connectFailure', () => {
  it('finds a connect error anywhere in the cause chain, and only those', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(connectFailure(new Error('GET x failed (after 4 attempts)', { cause: refused }))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(connectFailure(Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }))).toBe('getaddrinfo ENOTFOUND x.invalid');
    expect(connectFailure(new Error('Open-Meteo answered 503: busy'))).toBeUndefined();
    expect(connectFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(connectFailure(undefined)).toBeUndefined();
  });
});

describe('probeConnect', () => {
  it('says why it could not connect: an unresolvable name, a closed port; nothing when it can', async () => {
    expect(await probeConnect('https://archive-api.example.invalid/v1/archive')).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(await probeConnect(`http://127.0.0.1:${await closedPort()}/v1/archive`)).toMatch(/ECONNREFUSED/);
    const server = createServer((socket) => socket.destroy());
    const port = await listening(server);
    try {
      expect(await probeConnect(`http://127.0.0.1:${port}/v1/archive`)).toBeUndefined();
    } finally {
      server.close();
    }
    expect(await probeConnect('not a url')).toBe('WEATHER_API_URL is not a URL');
  });
});

describe('watchFetches', () => {
  const fakeHost = () => {
    const listeners = new Set<(o: InvocationOutcome) => void>();
    return {
      onInvocation: (listener: (o: InvocationOutcome) => void) => (listeners.add(listener), () => void listeners.delete(listener)),
      emit: (o: InvocationOutcome) => [...listeners].forEach((l) => l(o)),
      listeners,
    };
  };
  const refused = new Error('GET failed (after 4 attempts)', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });

  it('stops the run with E_NETWORK naming --offline and WEATHER_API_URL once the first fetches all failed to connect', async () => {
    const host = fakeHost();
    const watch = watchFetches(host, 'http://127.0.0.1:9/v1/archive?apikey=SECRET', { threshold: 2 });
    host.emit({ functionName: 'onCityFile', ok: true });
    host.emit({ functionName: 'fetchCityWeather', ok: false, error: refused });
    host.emit({ functionName: 'fetchCityWeather', ok: false, error: refused });
    const error = await watch.failed.catch((e: unknown) => e as Error & { code: string });
    expect(error).toMatchObject({ code: 'E_NETWORK' });
    expect(error.message).toContain('Cannot connect to the weather API at http://127.0.0.1:9 (connect ECONNREFUSED 127.0.0.1:9): every attempt of the first 2 fetch jobs failed to connect.');
    expect(error.message).toMatch(/--offline/);
    expect(error.message).toMatch(/WEATHER_API_URL/);
    expect(error.message).not.toContain('SECRET');
    expect(host.listeners.size).toBe(0);
  });

  it.each([
    ['a fetch that succeeded', { functionName: 'fetchCityWeather', ok: true }],
    ['a fetch the API answered (not a connect failure)', { functionName: 'fetchCityWeather', ok: false, error: new Error('Open-Meteo answered 503') }],
  ])('stands down after %s', async (_what, first: InvocationOutcome) => {
    const host = fakeHost();
    const watch = watchFetches(host, 'http://x', { threshold: 1 });
    host.emit(first);
    host.emit({ functionName: 'fetchCityWeather', ok: false, error: refused });
    expect(host.listeners.size).toBe(0);
    const settled = await Promise.race([watch.failed.then(() => 'settled', () => 'rejected'), new Promise((resolve) => setTimeout(() => resolve('pending'), 50))]);
    expect(settled).toBe('pending');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createOpenMeteoClient, type OpenMeteoClientOptions } from '../../../functions/adapters/openMeteoClient.ts';
import { limitWindows } from '../../../functions/core/weather/rateLimiter.ts';
import { ArchiveResponseError } from '../../../functions/core/weather/validateArchiveResponse.ts';
import { RateLimitedError, UpstreamError, ValidationError } from '../../../functions/errors.ts';
import { startOpenMeteoStandIn, type RunningStandIn, type StandInOptions } from '../../../local/openmeteo/standIn.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const peabody = { lat: 42.536457, lng: -70.985786, start: '2023-01-01', end: '2023-01-03' };
const generous = [{ name: 'minute', windowMs: 60_000, limit: 10_000 }];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(standInOptions: StandInOptions = {}, clientOptions: Partial<OpenMeteoClientOptions> = {}) {
  const standIn = await startOpenMeteoStandIn({ availableUntil: '2024-12-31', ...standInOptions });
  closers.push(() => standIn.close());
  const client = createOpenMeteoClient({ url: standIn.url, timeoutMs: 2_000, limits: generous, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...clientOptions });
  closers.push(() => client.close());
  return { standIn, client };
}

function okCalls(standIn: RunningStandIn) {
  return standIn.stats().served;
}

describe('createOpenMeteoClient', () => {
  it('fetches and validates an archive response, spending the request weight once', async () => {
    const { standIn, client } = await setup();
    const result = await client.fetchArchive(peabody);
    expect(result).toMatchObject({ weight: 1, attempts: 1 });
    expect(result.response).toMatchObject({ latitude: 42.5, longitude: -71, utc_offset_seconds: 0 });
    expect(result.response.hourly.time).toHaveLength(72);
    expect(standIn.stats()).toMatchObject({ calls: 1, weight: 1, served: 1 });
  });

  it.each<[string, ('5xx' | 'truncate')[]]>([
    ['a 5xx', ['5xx']],
    ['three 5xx in a row', ['5xx', '5xx', '5xx']],
    ['a truncated body', ['truncate']],
    ['a 5xx then a truncated body', ['5xx', 'truncate']],
  ])('retries after %s and then succeeds', async (_label, faults) => {
    const { standIn, client } = await setup();
    standIn.inject(...faults);
    const result = await client.fetchArchive(peabody);
    expect(result.attempts).toBe(faults.length + 1);
    expect(standIn.stats().calls).toBe(faults.length + 1);
    expect(okCalls(standIn)).toBe(1);
  });

  it('retries a call that hangs past the timeout', async () => {
    const { standIn, client } = await setup({}, { timeoutMs: 300 });
    standIn.inject('hang');
    const started = Date.now();
    const result = await client.fetchArchive(peabody);
    expect(result.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('retries a body that is too slow between chunks, then gives up with an UpstreamError naming the attempts', async () => {
    const { client } = await setup({ slowBodyMs: 400 }, { timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(client.fetchArchive(peabody)).rejects.toThrow(/after 2 attempts/);
  });

  it('throws an UpstreamError after the bounded attempts when every call fails', async () => {
    const { standIn, client } = await setup({ rate5xx: 1 });
    const error = await client.fetchArchive(peabody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBeGreaterThanOrEqual(500);
    expect((error as Error).message).toMatch(/after 4 attempts/);
    expect(standIn.stats().calls).toBe(4);
  });

  it('throws a RateLimitedError with the server Retry-After on 429, without retrying', async () => {
    const { standIn, client } = await setup({ retryAfterSeconds: 42 });
    standIn.inject('429');
    const error = await client.fetchArchive(peabody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(42_000);
    expect(standIn.stats().calls).toBe(1);
  });

  it('throws a ValidationError with the API reason on 400, without retrying', async () => {
    const { standIn, client } = await setup({ availableUntil: '2023-06-30' });
    const error = await client.fetchArchive({ ...peabody, end: '2023-07-01' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("Parameter 'end_date' is out of allowed range from 1940-01-01 to 2023-06-30");
    expect(standIn.stats().badRequests).toBe(1);
  });

  it('throws a RateLimitedError with the default wait when a 429 has no Retry-After', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":true,"reason":"Hourly API request limit exceeded"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const client = createOpenMeteoClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/archive`, timeoutMs: 1_000, limits: generous });
    closers.push(() => client.close());
    const error = await client.fetchArchive(peabody).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryAfterMs: 60_000, message: expect.stringContaining('Hourly API request limit exceeded') });
  });

  it('tells its gate which window a 429 names and, without a Retry-After, waits until that window ends', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":true,"reason":"Daily API request limit exceeded. Please try again tomorrow."}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const exceeded: string[] = [];
    const gate = { acquire: async () => ({ waitedMs: 0, admittedAt: 0 }), exceeded: async (window: string) => void exceeded.push(window) };
    const now = Date.parse('2025-03-04T20:00:00Z');
    const client = createOpenMeteoClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/archive`,
      timeoutMs: 1_000,
      limits: limitWindows({ perMinute: 600, perHour: 5_000, perDay: 10_000 }),
      gate,
      clock: { now: () => now, sleep: async () => undefined },
    });
    closers.push(() => client.close());
    const error = await client.fetchArchive(peabody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(exceeded).toEqual(['day']);
    expect((error as RateLimitedError).retryAfterMs).toBe(4 * 3_600_000);
  });

  it('rejects a 200 body of the wrong shape with an ArchiveResponseError, sends the apikey and keeps it out of errors', async () => {
    let seenKey: string | null = null;
    const server = createServer((req, res) => {
      seenKey = new URL(req.url ?? '/', 'http://x').searchParams.get('apikey');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"latitude":1,"longitude":1,"utc_offset_seconds":3600,"hourly":{"time":[],"temperature_2m":[]}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const client = createOpenMeteoClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/archive`, apiKey: 's3cret-key', timeoutMs: 1_000, limits: generous });
    closers.push(() => client.close());
    const error = await client.fetchArchive(peabody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveResponseError);
    expect((error as ArchiveResponseError).field).toBe('utc_offset_seconds');
    expect(seenKey).toBe('s3cret-key');
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain('s3cret');
  });

  it('hands back the body bytes exactly as received alongside the parsed response', async () => {
    // What a re-serialisation would change: spacing, key order, `1.50`, `-0.0`, the escaped and the raw `°`.
    const sent = Buffer.from('{ "hourly_units": {"temperature_2m":"\\u00b0C"}, "latitude": 1.50, "longitude": -0.0, "utc_offset_seconds": 0,\n'
      + '"elevation": 12.0, "note": "°", "hourly": {"time": ["2023-01-01T00:00"], "temperature_2m": [1.50]} }\n', 'utf8');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(sent);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const client = createOpenMeteoClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/archive`, timeoutMs: 1_000, limits: generous });
    closers.push(() => client.close());
    const result = await client.fetchArchive({ ...peabody, end: peabody.start });
    expect(Buffer.compare(result.body, sent)).toBe(0);
    expect(result.response).toEqual({ latitude: 1.5, longitude: -0, elevation: 12, utc_offset_seconds: 0, hourly: { time: ['2023-01-01T00:00'], temperature_2m: [1.5] } });
  });

  it('holds the configured rate against the stand-in’s enforced limit: no 429 is ever served', async () => {
    // The client may spend 10 in any sliding second (checked below on the client's own timestamps). The stand-in
    // counts arrivals per fixed second: a fixed second holds requests the client admitted over the second before it
    // plus however late they arrive, i.e. up to two sliding seconds' worth (20) while every request arrives within a
    // second of its admission. With 12 there, a CI run at load ~10 met a 429 from late arrivals of one burst landing
    // beside the next one. 20 is the bound that holds; a client that did not wait would send all 30 at once.
    // 30 calls from 6 concurrent callers must take ≥ 2 s and meet no 429.
    const calls: number[] = [];
    const { standIn, client } = await setup(
      { limitPerWindow: 20, limitWindowMs: 1_000 },
      { limits: [{ name: 'second', windowMs: 1_000, limit: 10 }], onCall: ({ at }) => calls.push(at) },
    );
    const started = Date.now();
    const queue = Array.from({ length: 30 }, (_, i) => i);
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (queue.shift() !== undefined) await client.fetchArchive(peabody);
    }));
    const elapsed = Date.now() - started;
    expect(standIn.stats()).toMatchObject({ calls: 30, served: 30, rateLimited: 0 });
    for (const at of calls) expect(calls.filter((c) => c >= at && c < at + 1_000).length).toBeLessThanOrEqual(10);
    expect(elapsed).toBeGreaterThanOrEqual(1_990);
    expect(elapsed).toBeLessThan(8_000);
  });
});

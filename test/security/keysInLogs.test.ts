// No log line may carry a key: the local host is run with marker keys, and every failure path a request can take
// (a body cut off, a body that is not JSON, a handler that throws with the URL and key in its message, 401, 404,
// 413, a request that times out, an unknown admin function) is driven with the keys in `?code=` and the
// `x-functions-key` header. Every log line is searched for the markers; each path is also checked to have logged
// or answered, so the search covers it.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HttpFunction } from '../../functions/app/definition.ts';
import { createLocalHost, type LocalHost } from '../../local/host/createLocalHost.ts';
import { waitUntil } from '../waitUntil.ts';
import { httpDefinitions } from './apiHost.ts';

const FUNCTION_KEY = 'FUNCTION-KEY-MARKER-4c1d9a7e';
const MASTER_KEY = 'MASTER-KEY-MARKER-93be0f2d';
const lines: string[] = [];

// Fails the way an unguarded handler might: with the request's URL and key in its message.
const boom: HttpFunction = {
  name: 'boomForTest',
  trigger: { type: 'http', route: 'boom', methods: ['GET'], authLevel: 'function' },
  parameters: {},
  handler: () => async (request) => {
    throw new Error(`cannot serve ${request.url} for ${request.headers.get('x-functions-key') ?? 'nobody'}`);
  },
};

let host: LocalHost;
let port: number;
beforeAll(async () => {
  host = createLocalHost({
    definitions: [...(httpDefinitions as HttpFunction[]), boom],
    settings: { STORAGE: inject('azuriteConnectionString'), EVENTHUB: inject('eventHubsConnectionString'), LOCAL_FUNCTION_KEY: FUNCTION_KEY, LOCAL_MASTER_KEY: MASTER_KEY },
    httpPort: 0,
    httpOptions: { requestTimeoutMs: 400 },
    watch: false,
    log: (level, line) => void lines.push(`${level}: ${line}`),
  });
  await host.start();
  port = Number(new URL(host.http.url).port);
});
afterAll(async () => {
  await host?.stop();
});

/** Writes raw bytes and returns what the server answered (status line and all) once it closes or `waitMs` passes. */
function raw(request: string, options: { endAfterMs?: number; waitMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.write(request);
    if (options.endAfterMs !== undefined) setTimeout(() => socket.destroy(), options.endAfterMs);
    setTimeout(() => socket.destroy(), options.waitMs ?? 5_000);
  });
}

const head = (method: string, path: string, extra: string[] = []) => [`${method} ${path} HTTP/1.1`, 'Host: localhost', ...extra, '', ''].join('\r\n');

describe('keys in the local host\'s logs', () => {
  it('appear in no log line on any failure path', async () => {
    const api = host.http.url;
    const statuses: Record<string, number> = {};
    const call = async (name: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${api}/${path}`, init);
      await response.arrayBuffer();
      statuses[name] = response.status;
    };
    await call('bad json', `ops/replay?code=${MASTER_KEY}`, { method: 'POST', body: '{"from": ' });
    await call('handler throws', `boom?code=${FUNCTION_KEY}&x=1`, { headers: { 'x-functions-key': FUNCTION_KEY } });
    await call('401', `ops/verify?code=${FUNCTION_KEY}`, { method: 'POST', body: '{}' });
    await call('404', `nowhere?code=${MASTER_KEY}`);
    await call('verify of a missing side table', `ops/verify?code=${MASTER_KEY}`, { method: 'POST', body: JSON.stringify({ from: '2023-01', to: '2023-01', sideTable: 'replayNoSuchTable' }) });
    const admin = await fetch(`http://127.0.0.1:${port}/admin/functions/nope?code=${MASTER_KEY}`, { method: 'POST' });
    statuses['unknown admin function'] = admin.status;
    const tooLarge = await raw(head('POST', `/api/ops/replay?code=${MASTER_KEY}`, [`Content-Length: ${400 * 2 ** 20}`]));
    const cutOff = await raw(`${head('POST', `/api/ops/replay?code=${MASTER_KEY}`, ['Content-Length: 1000'])}{"from": "2023-01"`, { endAfterMs: 100 });
    const slow = await raw(`${head('POST', `/api/ops/replay?code=${MASTER_KEY}`, ['Content-Length: 100'])}{"from"`, { waitMs: 5_000 });
    await waitUntil(() => lines.filter((l) => /failed/i.test(l)).length >= 3, 10_000, 'the failures to be logged');

    expect(statuses).toEqual({ 'bad json': 400, 'handler throws': 500, '401': 401, '404': 404, 'verify of a missing side table': 404, 'unknown admin function': 404 });
    expect(tooLarge).toMatch(/^HTTP\/1\.1 413 /);
    expect(cutOff).toBe('');
    expect(slow).toMatch(/^HTTP\/1\.1 408 /);
    // The failures were logged, URL and message included, so the search below covers those lines.
    expect(lines.some((l) => l.includes("Executed 'boomForTest' (Failed, ") && l.includes('/api/boom?code=<redacted>&x=1'))).toBe(true);
    expect(lines.filter((l) => l.includes('HTTP POST /api/ops/replay?code=<redacted> failed')).length).toBeGreaterThanOrEqual(2);

    for (const marker of [FUNCTION_KEY, MASTER_KEY]) expect(lines.filter((l) => l.includes(marker))).toEqual([]);
    expect(lines.filter((l) => /code=(?!<redacted>)/.test(l))).toEqual([]);
  }, 60_000);
});

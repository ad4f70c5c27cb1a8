import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFunction } from '../../../functions/app/definition.ts';
import { compileRoute } from '../../../local/host/httpRoutes.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../../local/host/httpServer.ts';
import { isAuthorized, resolveKeys } from '../../../local/host/httpAuth.ts';
import { testHost, testSettings, type TestHost } from './testHost.ts';

describe('compileRoute', () => {
  it.each([
    ['cities', 'cities', {}],
    ['cities', 'Cities/', {}],
    ['aggregates/{cityId}', 'aggregates/peabody-ma-usa', { cityId: 'peabody-ma-usa' }],
    ['aggregates/{cityId}/{year:int?}', 'aggregates/x', { cityId: 'x' }],
    ['aggregates/{cityId}/{year:int?}', 'aggregates/x/2023', { cityId: 'x', year: '2023' }],
    ['files/{*path}', 'files/a/b%20c.json', { path: 'a/b c.json' }],
  ])('matches %s against %s', (template, path, params) => {
    expect(compileRoute(template).match(path)).toEqual(params);
  });

  it.each([
    ['cities', 'cities/extra'],
    ['aggregates/{cityId}', 'aggregates'],
    ['aggregates/{cityId}/{year:int}', 'aggregates/x/abc'],
    ['aggregates/{cityId}', 'aggregates/%E0%A4%A'],
  ])('does not match %s against %s', (template, path) => {
    expect(compileRoute(template).match(path)).toBeUndefined();
  });

  it('throws for a malformed segment', () => {
    expect(() => compileRoute('a/{b')).toThrow(/malformed segment/);
  });
});

describe('isAuthorized', () => {
  const keys = { functionKey: 'fk', masterKey: 'mk' };
  it.each([
    ['anonymous', undefined, true],
    ['function', undefined, false],
    ['function', 'fk', true],
    ['function', 'mk', true],
    ['function', 'wrong', false],
    ['admin', 'fk', false],
    ['admin', 'mk', true],
  ] as const)('level %s with key %s → %s', (level, key, expected) => {
    expect(isAuthorized(level, key, keys)).toBe(expected);
  });
});

describe('resolveKeys', () => {
  it('takes the keys from settings, or generates distinct ones for the run', () => {
    expect(resolveKeys({ LOCAL_FUNCTION_KEY: 'f', LOCAL_MASTER_KEY: 'm' })).toEqual({ functionKey: 'f', masterKey: 'm', generated: false });
    const generated = resolveKeys({});
    expect(generated.generated).toBe(true);
    expect(generated.functionKey).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(generated.functionKey).not.toBe(generated.masterKey);
  });
});

describe('startHttpServer', () => {
  let host: TestHost;
  let calls = 0;
  const http = (
    name: string,
    route: string,
    authLevel: HttpFunction['trigger']['authLevel'],
    handler: ReturnType<HttpFunction['handler']>,
    methods: HttpFunction['trigger']['methods'] = ['GET'],
  ): HttpFunction => ({ name, trigger: { type: 'http', route, methods, authLevel }, parameters: {}, handler: () => handler });

  beforeAll(async () => {
    host = testHost({
      settings: testSettings({ LOCAL_FUNCTION_KEY: 'the-function-key', LOCAL_MASTER_KEY: 'the-master-key' }),
      definitions: [
        http('open', 'open/{id}', 'anonymous', async (request) => ({
          jsonBody: { id: request.params.id, q: request.query.get('q'), url: request.url, agent: request.headers.get('x-test') },
        })),
        http('keyed', 'keyed', 'function', async () => ({ body: 'secret', headers: { 'x-from': 'keyed' } })),
        http('adminOnly', 'admin-only', 'admin', async () => ({ status: 204 })),
        http('echo', 'echo', 'anonymous', async (request) => ({ status: 201, body: Buffer.from(await request.text()) }), ['POST']),
        http('streamed', 'streamed', 'anonymous', async () => ({
          body: (async function* () {
            yield new TextEncoder().encode('a');
            yield new TextEncoder().encode('b');
          })(),
        })),
        http('throws', 'throws', 'anonymous', async () => {
          calls++;
          throw new Error('handler blew up');
        }),
      ],
    });
    await host.start();
  });
  afterAll(async () => {
    await host.stop();
  });

  it('serves an anonymous route with route params, query, headers and a JSON body', async () => {
    const response = await fetch(`${host.http.url}/open/42?q=rain`, { headers: { 'x-test': 'yes' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ id: '42', q: 'rain', url: `${host.http.url}/open/42?q=rain`, agent: 'yes' });
  });

  it.each([
    ['keyed', {}, '', 401],
    ['keyed', { 'x-functions-key': 'wrong' }, '', 401],
    ['keyed', { 'x-functions-key': 'the-function-key' }, '', 200],
    ['keyed', {}, '?code=the-function-key', 200],
    ['keyed', {}, '?code=the-master-key', 200],
    ['admin-only', { 'x-functions-key': 'the-function-key' }, '', 401],
    ['admin-only', { 'x-functions-key': 'the-master-key' }, '', 204],
  ])('answers %s with headers %j and query %j with %i', async (route, headers, query, status) => {
    const response = await fetch(`${host.http.url}/${route}${query}`, { headers });
    expect(response.status).toBe(status);
    if (status === 200) {
      expect(await response.text()).toBe('secret');
      expect(response.headers.get('x-from')).toBe('keyed');
    }
  });

  it('passes a POST body through and writes a Buffer body with the status', async () => {
    const response = await fetch(`${host.http.url}/echo`, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('hello');
  });

  it('streams an AsyncIterable body', async () => {
    expect(await (await fetch(`${host.http.url}/streamed`)).text()).toBe('ab');
  });

  it('answers 404 for an unknown route or a method the function does not accept, 500 when the handler throws', async () => {
    expect((await fetch(`${host.http.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${host.http.url}/echo`)).status).toBe(404);
    expect((await fetch(`${host.http.url.replace(/\/api$/, '')}/other`)).status).toBe(404);
    const response = await fetch(`${host.http.url}/throws`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(calls).toBe(1);
    expect(host.logs.some((l) => l.level === 'error' && l.line.startsWith('[throws:') && l.line.includes('handler blew up'))).toBe(true);
  });

  it('refuses a declared body over its cap with 413 before reading it, and stops reading a chunked one at the cap', async () => {
    const declared = await fetch(`${host.http.url}/echo`, { method: 'POST', body: 'x'.repeat(DEFAULT_MAX_BODY_BYTES + 1) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'body must be at most 1,048,576 bytes', parameter: 'body' });
    // 400 MB offered without a length, 64 KiB at a time: the server answers once it has read 1 MiB.
    let offered = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => (offered >= 400 * 2 ** 20 ? controller.close() : (offered += 65_536, controller.enqueue(new Uint8Array(65_536)))),
    });
    const chunked = await fetch(`${host.http.url}/echo`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch((error: unknown) => error);
    if (chunked instanceof Response) expect(chunked.status).toBe(413);
    expect(offered).toBeLessThan(64 * 2 ** 20);
    expect(host.logs.filter((l) => l.line.includes('echo') && l.level === 'error')).toEqual([]);
  });

  it('exposes the keys it enforces', () => {
    expect(host.http).toMatchObject({ functionKey: 'the-function-key', masterKey: 'the-master-key', keysGenerated: false });
  });
});

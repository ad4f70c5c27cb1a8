// Every HTTP function of the app, called over real HTTP through the local host with no key, a wrong key, the
// function key (header and ?code=) and the master key: the answer must follow the function's declared authLevel,
// as the Functions host enforces it. The route list comes from the definitions, so a new route is checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFunction } from '../../functions/app/definition.ts';
import { httpDefinitions, KEYS, startApiHost, type ApiHost } from './apiHost.ts';

let api: ApiHost;
beforeAll(async () => {
  api = await startApiHost();
});
afterAll(async () => {
  await api?.close();
});

type Presented = 'no key' | 'a wrong key' | 'the function key in x-functions-key' | 'the function key as ?code=' | 'the master key';
const presentations: Presented[] = ['no key', 'a wrong key', 'the function key in x-functions-key', 'the function key as ?code=', 'the master key'];

function allowed(level: string, presented: Presented): boolean {
  if (level === 'anonymous') return true;
  if (presented === 'the master key') return true;
  return level === 'function' && presented.startsWith('the function key');
}

async function call(definition: HttpFunction, presented: Presented): Promise<number> {
  const { route, methods } = definition.trigger;
  const path = route.replace('{id}', 'file-000000000000000000000000');
  const url = new URL(`${api.url}/${path}`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (presented === 'a wrong key') headers['x-functions-key'] = `${KEYS.function}x`;
  if (presented === 'the function key in x-functions-key') headers['x-functions-key'] = KEYS.function;
  if (presented === 'the function key as ?code=') url.searchParams.set('code', KEYS.function);
  if (presented === 'the master key') headers['x-functions-key'] = KEYS.master;
  const method = methods[0] ?? 'GET';
  const response = await fetch(url, { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) });
  await response.arrayBuffer();
  return response.status;
}

const cases = (httpDefinitions as HttpFunction[]).flatMap((definition) =>
  presentations.map((presented) => [definition.name, definition.trigger.authLevel, presented, definition] as const),
);

describe('HTTP authorisation', () => {
  it('covers every HTTP function of the app, none of them anonymous', () => {
    expect(httpDefinitions.length).toBeGreaterThanOrEqual(6);
    expect(httpDefinitions.filter((d) => (d as HttpFunction).trigger.authLevel === 'anonymous').map((d) => d.name)).toEqual([]);
  });

  it.each(cases)('%s (%s) with %s', async (_name, level, presented, definition) => {
    const status = await call(definition, presented);
    if (allowed(level, presented)) expect(status).not.toBe(401);
    else expect(status).toBe(401);
  });
});

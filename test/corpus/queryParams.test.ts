// Query parameters and route values built to escape their place (OData injection, path tricks, repeats, unknown
// names, out-of-range values) sent over real HTTP to the API: each gets 400 (or 404 for a well-formed name that
// is nobody) with the parameter named, never a 500 and never another city's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startApiHost, type ApiHost } from '../security/apiHost.ts';

let api: ApiHost;
beforeAll(async () => {
  api = await startApiHost();
});
afterAll(async () => {
  await api?.close();
});

async function get(pathAndQuery: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${api.url}/${pathAndQuery}`, { headers: { 'x-functions-key': KEYS.function } });
  return { status: response.status, text: await response.text() };
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('the query corpus', () => {
  it('answers a plain query for one city with that city only (the baseline the tricks are measured against)', async () => {
    const { status, text } = await get(`aggregates?${q({ city: 'alpha-city', from: '2023-01', to: '2023-02' })}`);
    expect(status).toBe(200);
    expect(text).toContain('alpha-city');
    expect(text).not.toContain('beta-city');
  });

  it.each<[string, string, number, string]>([
    ['an OData clause in a city name', q({ city: "alpha-city' or PartitionKey ne 'x", from: '2023-01', to: '2023-02' }), 404, 'city'],
    ['an OData clause without spaces', q({ city: "alpha-city'or'1'eq'1", from: '2023-01', to: '2023-02' }), 404, 'city'],
    ['a $filter parameter', `${q({ city: 'alpha-city', from: '2023-01', to: '2023-02' })}&%24filter=PartitionKey%20ne%20%27%27`, 400, '$filter'],
    ['a path in the city', q({ city: '../../cities', from: '2023-01', to: '2023-02' }), 400, 'city'],
    ['an encoded slash in the city', 'city=alpha-city%2F..%2Fbeta-city&from=2023-01&to=2023-02', 400, 'city'],
    ['a NUL byte in the city', 'city=alpha%00city&from=2023-01&to=2023-02', 400, 'city'],
    ['a city of 121 characters', q({ city: 'a'.repeat(121), from: '2023-01', to: '2023-02' }), 400, 'city'],
    ['an empty city', q({ city: '', from: '2023-01', to: '2023-02' }), 400, 'city'],
    ['an OData clause in a city list', q({ city: "alpha-city,beta-city' or '1' eq '1", from: '2023-01', to: '2023-02' }), 404, 'city'],
    ['an OData clause as a quoted list item', q({ city: `alpha-city,"x' or PartitionKey ne '"`, from: '2023-01', to: '2023-02' }), 404, 'city'],
    ['an OData clause in the bbox', q({ from: '2023-01', to: '2023-02', bbox: "0,0,1,1) or (lat gt '0" }), 400, 'bbox'],
    // With HTTP streams the worker sees both values, as here: refused rather than one silently picked.
    ['the city twice', 'city=alpha-city&city=beta-city&from=2023-01&to=2023-02', 400, 'city'],
    ['month 13', q({ city: 'alpha-city', from: '2023-13', to: '2024-01' }), 400, 'from'],
    ['a range that ends before it starts', q({ city: 'alpha-city', from: '2023-05', to: '2023-01' }), 400, 'to'],
    ['a range of more than 120 months', q({ city: 'alpha-city', from: '2000-01', to: '2023-01' }), 400, 'to'],
    ['a date where a month is expected', q({ city: 'alpha-city', from: '2023-01-01', to: '2023-02' }), 400, 'from'],
    ['an unknown groupBy', q({ city: 'alpha-city', from: '2023-01', to: '2023-02', groupBy: 'week' }), 400, 'groupBy'],
    ['an OData clause as groupBy', q({ from: '2023-01', to: '2023-02', groupBy: "city' or '1' eq '1" }), 400, 'groupBy'],
    ['an unknown format', q({ city: 'alpha-city', from: '2023-01', to: '2023-02', format: 'xml' }), 400, 'format'],
    ['an unknown parameter', `${q({ city: 'alpha-city', from: '2023-01', to: '2023-02' })}&select=*`, 400, 'select'],
  ])('GET /api/aggregates with %s', async (_name, query, status, parameter) => {
    const answer = await get(`aggregates?${query}`);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text)).toMatchObject({ parameter, error: expect.any(String) });
    expect(answer.text).not.toContain('beta-city"');
  });

  it.each<[string, string, number]>([
    ['a path in the run id', 'runs/..%2F..%2Fcities', 400],
    ['an OData clause as the run id', `runs/${encodeURIComponent("file-0' or PartitionKey ne '")}`, 400],
    ['a run id of 2,000 characters', `runs/file-${'0'.repeat(2_000)}`, 400],
    ['a well-formed run id nobody made', 'runs/file-000000000000000000000000', 404],
    ['pageSize 0', 'cities?pageSize=0', 400],
    ['pageSize 1001', 'cities?pageSize=1001', 400],
    ['pageSize as words', 'cities?pageSize=ten', 400],
    ['a continuation token with markup', `cities?${q({ continuationToken: '<script>alert(1)</script>' })}`, 400],
  ])('GET /api/%s answers with the parameter named', async (_name, path, status) => {
    const answer = await get(path);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text)).toMatchObject({ error: expect.any(String) });
  });
});

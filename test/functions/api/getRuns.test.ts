import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createRunLedger, runIndexRowKey, type RunLedger, type RunSummary } from '../../../functions/adapters/runLedger.ts';
import { createGetRunsHandler } from '../../../functions/api/getRuns.ts';
import { newTable } from '../aggregate/fixtures.ts';
import { bodyText, get, httpContext } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');
let ledger: RunLedger;
let handler: ReturnType<typeof createGetRunsHandler>;

const run = (i: number, at: string): RunSummary => ({
  runId: `file-${String(i).padStart(24, '0')}`, kind: 'file', at, file: `f${i}.jsonl`, citiesAccepted: i, citiesRejected: 0, duplicateLines: 0, jobs: i, cityDaysRequested: 10 * i,
});

beforeAll(async () => {
  const table = (await newTable(connectionString, 'apiruns')).client;
  ledger = createRunLedger(table);
  // Out of order, one of them indexed twice (a redelivered city-file message), and a refresh run.
  for (const [i, at] of [[3, '2024-03-01T10:00:00.000Z'], [1, '2024-01-01T10:00:00.000Z'], [5, '2024-05-01T10:00:00.000Z'], [2, '2024-02-01T10:00:00.000Z'], [4, '2024-04-01T10:00:00.000Z'], [3, '2024-03-01T10:00:00.000Z']] as const) {
    await ledger.indexRun(run(i, at));
  }
  await ledger.indexRun({ runId: 'refresh-2024-04-15', kind: 'refresh', at: '2024-04-15T00:00:00.000Z', citiesAccepted: 7, citiesRejected: 0, duplicateLines: 0, jobs: 7, cityDaysRequested: 70 });
  // Rows of runs themselves live in their own partitions and are never listed.
  await ledger.recordFile('file-000000000000000000000009', { file: 'x', citiesAccepted: 1, citiesRejected: 0, jobs: 1, cityDaysRequested: 1 }, new Date());
  handler = createGetRunsHandler({ ledger });
});

async function page(query: string) {
  const response = await handler(get(`runs?${query}`), httpContext('getRuns'));
  return { status: response.status, body: JSON.parse(await bodyText(response)) as { runs: (RunSummary & { ledger: string })[]; continuationToken?: string; parameter?: string } };
}

describe('runIndexRowKey', () => {
  it('sorts newer runs first and gives one run one key', () => {
    const keys = ['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z'].map((at) => runIndexRowKey(at, 'file-x'));
    expect([...keys].sort()).toEqual([...keys].reverse());
    expect(runIndexRowKey('2024-01-01T00:00:00.000Z', 'file-x')).toBe(runIndexRowKey('2024-01-01T00:00:00.000Z', 'file-x'));
  });
});

describe('createGetRunsHandler', () => {
  it('lists every run once, newest first, across pages, each with where its ledger is', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await page(`pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
      expect(status).toBe(200);
      expect(body.runs.length).toBeLessThanOrEqual(2);
      seen.push(...body.runs.map((r) => r.runId));
      token = body.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual([run(5, '').runId, 'refresh-2024-04-15', run(4, '').runId, run(3, '').runId, run(2, '').runId, run(1, '').runId]);
    const { body } = await page('pageSize=1');
    expect(body.runs[0]).toEqual({ ...run(5, '2024-05-01T10:00:00.000Z'), ledger: `/api/runs/${run(5, '').runId}` });
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['pageSize=101', 'pageSize'],
    ['pageSize=1e2', 'pageSize'],
    ['pageSize=2&pageSize=3', 'pageSize'],
    ['continuationToken=abcd', 'continuationToken'],
    [`continuationToken=${Buffer.from('{"nextPartitionKey":1}').toString('base64')}`, 'continuationToken'],
    ['state=running', 'state'],
  ])('answers 400 naming the parameter for %s', async (query, parameter) => {
    expect(await page(query)).toMatchObject({ status: 400, body: { parameter } });
  });
});

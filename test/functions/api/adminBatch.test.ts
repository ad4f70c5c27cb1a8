import { describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { listRawCityIds } from '../../../functions/adapters/rawCityIds.ts';
import { parseReplayRequest, parseVerifyRequest } from '../../../functions/aggregate/batchRequest.ts';
import { replay } from '../../../functions/aggregate/replay.ts';
import { verify } from '../../../functions/aggregate/verify.ts';
import { createAdminBatchHandler } from '../../../functions/api/adminBatch.ts';
import { newContainer, newTable, uniqueName } from '../aggregate/fixtures.ts';
import { bodyText, httpContext, post } from './apiFixtures.ts';

const connectionString = inject('azuriteConnectionString');

describe('createAdminBatchHandler', () => {
  it('runs replay then verify from validated JSON bodies', async () => {
    const live = await newTable(connectionString, 'adminlive');
    const raw = await newContainer(connectionString, 'raw-admin-');
    const side = (name: string) => createAggregateTable(TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true }));
    const replayHandler = createAdminBatchHandler('adminReplay', parseReplayRequest, (request) =>
      replay({ blobs: raw.blobs, rawContainer: raw.name, listCityIds: () => listRawCityIds(raw.service, raw.name), liveTable: live.table, sideTable: side }, request));
    const verifyHandler = createAdminBatchHandler('adminVerify', parseVerifyRequest, (request) => verify({ liveTable: live.table, sideTable: side }, request));
    const sideTable = uniqueName('side');
    const replayed = await replayHandler(post('ops/replay', JSON.stringify({ from: '2023-01', to: '2023-02', target: sideTable })), httpContext('adminReplay'));
    expect(replayed).toMatchObject({ status: 200, jsonBody: { target: sideTable, cities: 0, skipped: [] } });
    const verified = await verifyHandler(post('ops/verify', JSON.stringify({ from: '2023-01', to: '2023-02', sideTable })), httpContext('adminVerify'));
    expect(verified).toMatchObject({ status: 200, jsonBody: { compared: 0, differences: [] } });
  });

  it.each([
    ['a body that is not JSON', '{', 'body'],
    ['a body over 100,000 characters', JSON.stringify({ from: '2023-01', to: '2023-01', target: 'live', pad: 'x'.repeat(100_000) }), 'body'],
    ['a bad month', JSON.stringify({ from: 'now', to: '2023-01', target: 'live' }), 'from'],
  ])('answers 400 naming the field for %s', async (_name, body, parameter) => {
    const handler = createAdminBatchHandler('adminReplay', parseReplayRequest, () => Promise.reject(new Error('must not run')));
    const response = await handler(post('ops/replay', body), httpContext('adminReplay'));
    expect(response.status).toBe(400);
    expect(JSON.parse(await bodyText(response))).toMatchObject({ parameter });
  });
});

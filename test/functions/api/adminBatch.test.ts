import { describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { HttpRequest } from '@azure/functions';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { listRawCityIds } from '../../../functions/adapters/rawCityIds.ts';
import { parseReplayRequest, parseVerifyRequest } from '../../../functions/aggregate/batchRequest.ts';
import { replay } from '../../../functions/aggregate/replay.ts';
import { verify } from '../../../functions/aggregate/verify.ts';
import { createAdminBatchHandler } from '../../../functions/api/adminBatch.ts';
import { newContainer, newTable, uniqueName } from '../aggregate/fixtures.ts';
import { bodyText, httpContext, post } from './apiFixtures.ts';

/** A request whose body is a stream, as the worker builds it with HTTP streams on (functions/index.ts). */
function streamingPost(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): HttpRequest {
  const nativeRequest = new Request('http://localhost:7071/api/ops/replay', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return new HttpRequest({ nativeRequest } as never);
}

function postBytes(path: string, bytes: Buffer): HttpRequest {
  return new HttpRequest({ method: 'POST', url: `http://localhost:7071/api/${path}`, body: { bytes } });
}

const connectionString = inject('azuriteConnectionString');

describe('createAdminBatchHandler', () => {
  it('runs replay then verify from validated JSON bodies', async () => {
    const live = await newTable(connectionString, 'adminlive');
    const raw = await newContainer(connectionString, 'raw-admin-');
    const side = (name: string) => createAggregateTable(TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true }));
    const replayHandler = createAdminBatchHandler('adminReplay', parseReplayRequest, (request) =>
      replay({ blobs: raw.blobs, rawContainer: raw.name, listCityIds: () => listRawCityIds(raw.service, raw.name), liveTable: live.table, sideTable: side }, request));
    const verifyHandler = createAdminBatchHandler('adminVerify', parseVerifyRequest, (request) => verify({ liveTable: live.table, sideTable: side }, request));
    const sideTable = uniqueName('replay');
    const replayed = await replayHandler(post('ops/replay', JSON.stringify({ from: '2023-01', to: '2023-02', target: sideTable })), httpContext('adminReplay'));
    expect(replayed).toMatchObject({ status: 200, jsonBody: { target: sideTable, cities: 0, skipped: [] } });
    const verified = await verifyHandler(post('ops/verify', JSON.stringify({ from: '2023-01', to: '2023-02', sideTable })), httpContext('adminVerify'));
    expect(verified).toMatchObject({ status: 200, jsonBody: { compared: 0, differences: [] } });
  });

  it.each([
    ['a body that is not JSON', '{', 'body'],
    ['a bad month', JSON.stringify({ from: 'now', to: '2023-01', target: 'live' }), 'from'],
    ['a body that is not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'body'],
  ])('answers 400 naming the field for %s', async (_name, body, parameter) => {
    const handler = createAdminBatchHandler('adminReplay', parseReplayRequest, () => Promise.reject(new Error('must not run')));
    const response = await handler(typeof body === 'string' ? post('ops/replay', body) : postBytes('ops/replay', body), httpContext('adminReplay'));
    expect(response.status).toBe(400);
    expect(JSON.parse(await bodyText(response))).toMatchObject({ parameter });
  });

  it('answers 413 for a declared Content-Length over the cap without reading the body', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => void (pulled++, controller.enqueue(new Uint8Array(65_536))) });
    const request = streamingPost(body, { 'content-length': String(400 * 2 ** 20) });
    const handler = createAdminBatchHandler('adminReplay', parseReplayRequest, () => Promise.reject(new Error('must not run')));
    const response = await handler(request, httpContext('adminReplay'));
    expect(response.status).toBe(413);
    expect(JSON.parse(await bodyText(response))).toMatchObject({ parameter: 'body', error: 'body must be at most 100,000 bytes' });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('answers 413 for a body without a length once it passes the cap, and stops reading there', async () => {
    let pulled = 0;
    // 400 MB on demand: the handler must stop long before.
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => (++pulled > 6_400 ? controller.close() : controller.enqueue(new Uint8Array(65_536).fill(0x20))),
    });
    const request = streamingPost(body);
    const handler = createAdminBatchHandler('adminReplay', parseReplayRequest, () => Promise.reject(new Error('must not run')));
    const response = await handler(request, httpContext('adminReplay'));
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});

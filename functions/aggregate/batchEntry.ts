// Replay and verify wired to an AppContext: what the HTTP admin functions and the CLI call.
//   import { replayFromApp, verifyFromApp } from 'functions/aggregate/batchEntry.ts';
//   await replayFromApp(app, parseReplayRequest({ from: '2023-01', to: '2023-08', target: 'replay1' }));
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createBlobStore } from '../adapters/blobs.ts';
import { listRawCityIds } from '../adapters/rawCityIds.ts';
import type { AppContext } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';
import { NotFoundError } from '../errors.ts';
import type { ReplayRequest, VerifyRequest } from './batchRequest.ts';
import { replay, type ReplayResult } from './replay.ts';
import { verify, type VerifyResult } from './verify.ts';

export { parseReplayRequest, parseVerifyRequest } from './batchRequest.ts';

function tables(app: AppContext) {
  return {
    liveTable: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable)),
    sideTable: (name: string) => createAggregateTable(app.clients.table(name)),
  };
}

export function replayFromApp(app: AppContext, request: ReplayRequest): Promise<ReplayResult> {
  const service = app.clients.blobService();
  return replay({
    ...tables(app),
    blobs: createBlobStore(service),
    rawContainer: RESOURCES.rawContainer,
    listCityIds: () => listRawCityIds(service, RESOURCES.rawContainer),
  }, request);
}

/** A side table nobody replayed into is the request's mistake (404 naming it), not the service failing. */
async function assertSideTableExists(app: AppContext, name: string): Promise<void> {
  try {
    await app.clients.table(name).listEntities({ queryOptions: { select: ['PartitionKey'] } }).byPage({ maxPageSize: 1 }).next();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    throw new NotFoundError('sideTable', `sideTable "${name}" does not exist: replay into it first (POST /api/ops/replay with "target": "${name}")`);
  }
}

export async function verifyFromApp(app: AppContext, request: VerifyRequest): Promise<VerifyResult> {
  await assertSideTableExists(app, request.sideTable);
  return verify(tables(app), request);
}

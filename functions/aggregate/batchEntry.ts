// Replay and verify wired to an AppContext: what the HTTP admin functions and the CLI call.
//   import { replayFromApp, verifyFromApp } from 'functions/aggregate/batchEntry.ts';
//   await replayFromApp(app, parseReplayRequest({ from: '2023-01', to: '2023-08', target: 'replay1' }));
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createBlobStore } from '../adapters/blobs.ts';
import { listRawCityIds } from '../adapters/rawCityIds.ts';
import type { AppContext } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';
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

export function verifyFromApp(app: AppContext, request: VerifyRequest): Promise<VerifyResult> {
  return verify(tables(app), request);
}

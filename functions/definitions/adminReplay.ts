// POST /api/ops/replay (admin key): recompute aggregates from raw/ blobs into the live table or a side table.
// Not /api/admin/…: the Functions host refuses any route starting with "admin", even under the /api prefix.
import { parseReplayRequest, replayFromApp } from '../aggregate/batchEntry.ts';
import { REPLAY_FIELDS } from '../aggregate/batchRequest.ts';
import { createAdminBatchHandler } from '../api/adminBatch.ts';
import type { HttpFunction } from '../app/definition.ts';

export const adminReplay: HttpFunction = {
  name: 'adminReplay',
  trigger: { type: 'http', route: 'ops/replay', methods: ['POST'], authLevel: 'admin' },
  parameters: { body: REPLAY_FIELDS },
  handler: (app) => createAdminBatchHandler('adminReplay', parseReplayRequest, (request) => replayFromApp(app, request)),
};

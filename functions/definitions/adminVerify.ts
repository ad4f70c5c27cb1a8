// POST /api/ops/verify (admin key): compare the stream's aggregates with a replay's side table.
// Not /api/admin/…: the Functions host refuses any route starting with "admin".
import { parseVerifyRequest, verifyFromApp } from '../aggregate/batchEntry.ts';
import { VERIFY_FIELDS } from '../aggregate/batchRequest.ts';
import { createAdminBatchHandler } from '../api/adminBatch.ts';
import type { HttpFunction } from '../app/definition.ts';

export const adminVerify: HttpFunction = {
  name: 'adminVerify',
  trigger: { type: 'http', route: 'ops/verify', methods: ['POST'], authLevel: 'admin' },
  parameters: { body: VERIFY_FIELDS },
  handler: (app) => createAdminBatchHandler('adminVerify', parseVerifyRequest, (request) => verifyFromApp(app, request)),
};

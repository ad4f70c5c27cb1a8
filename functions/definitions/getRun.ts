// GET /api/runs/{id} (function key): the run ledger, reconciled.
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createBlobStore } from '../adapters/blobs.ts';
import { createRunLedger } from '../adapters/runLedger.ts';
import { createGetRunHandler } from '../api/getRun.ts';
import type { HttpFunction } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';

export const getRun: HttpFunction = {
  name: 'getRun',
  trigger: { type: 'http', route: 'runs/{id}', methods: ['GET'], authLevel: 'function' },
  parameters: {},
  handler: (app) =>
    createGetRunHandler({
      ledger: createRunLedger(app.clients.table(RESOURCES.runsTable)),
      aggregates: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable)),
      blobs: createBlobStore(app.clients.blobService()),
      deadletterContainer: RESOURCES.deadletterContainer,
    }),
};

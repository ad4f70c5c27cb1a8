// GET /api/runs (function key): the recent runs, newest first, paged.
import { createRunLedger } from '../adapters/runLedger.ts';
import { createGetRunsHandler, RUNS_PARAMETERS } from '../api/getRuns.ts';
import type { HttpFunction } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';

export const getRuns: HttpFunction = {
  name: 'getRuns',
  trigger: { type: 'http', route: 'runs', methods: ['GET'], authLevel: 'function' },
  parameters: { query: RUNS_PARAMETERS },
  handler: (app) => createGetRunsHandler({ ledger: createRunLedger(app.clients.table(RESOURCES.runsTable)) }),
};

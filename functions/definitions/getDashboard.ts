// GET /api/dashboard (function key): the heatmap, comparison and day view page, from the aggregates table.
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createGetDashboardHandler, DASHBOARD_PARAMETERS } from '../api/dashboard.ts';
import type { HttpFunction } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';

export const getDashboard: HttpFunction = {
  name: 'getDashboard',
  trigger: { type: 'http', route: 'dashboard', methods: ['GET'], authLevel: 'function' },
  parameters: { query: DASHBOARD_PARAMETERS },
  handler: (app) => createGetDashboardHandler({ aggregates: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable)), now: app.now }),
};

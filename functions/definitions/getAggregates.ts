// GET /api/aggregates (function key): ad-hoc queries over one, some or every city (groupBy city, year, month, day),
// streamed as JSON or CSV.
import { createAggregateTable } from '../adapters/aggregateTable.ts';
import { createGetAggregatesHandler } from '../api/getAggregates.ts';
import { AGGREGATES_PARAMETERS } from '../api/aggregatesParams.ts';
import type { HttpFunction } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';

export const getAggregates: HttpFunction = {
  name: 'getAggregates',
  trigger: { type: 'http', route: 'aggregates', methods: ['GET'], authLevel: 'function' },
  parameters: { query: AGGREGATES_PARAMETERS.map((p) => p.name) },
  handler: (app) =>
    createGetAggregatesHandler({
      aggregates: createAggregateTable(app.clients.table(RESOURCES.aggregatesTable)),
      cities: app.clients.table(RESOURCES.citiesTable),
    }),
};

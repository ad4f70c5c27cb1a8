// GET /api/dashboard[?from=YYYY-MM&to=YYYY-MM]: the dashboard page, rendered from the month entities in the
// aggregates table. Reads only the total properties and the place, at most MAX_DASHBOARD_ROWS of them (1,000
// cities × 24 months); the page asks GET /api/aggregates for a month's days when one is clicked.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import { monthlyRowFromEntity, type MonthlyRow } from '../core/dashboard/monthlyRows.ts';
import { renderDashboard } from '../core/dashboard/renderDashboard.ts';
import { ValidationError } from '../errors.ts';
import { badRequest } from './httpResponses.ts';

export interface DashboardDeps {
  aggregates: AggregateTable;
  now(): Date;
}

export const MAX_DASHBOARD_ROWS = 24_000;
export const DASHBOARD_PARAMETERS = ['from', 'to'] as const;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const SELECT = ['PartitionKey', 'RowKey', 'city', 'lat', 'lng', 'min', 'max', 'mean', 'count', 'missingHours', 'synthetic'];

function monthParam(request: HttpRequest, name: 'from' | 'to', fallback: string): string {
  const value = request.query.get(name);
  if (value === null || value === '') return fallback;
  if (!MONTH.test(value)) throw new ValidationError(name, `${name} must be a month YYYY-MM, got "${value.slice(0, 20)}"`);
  return value;
}

export function createGetDashboardHandler(deps: DashboardDeps): (request: HttpRequest) => Promise<HttpResponseInit> {
  return async (request) => {
    let from: string;
    let to: string;
    try {
      from = monthParam(request, 'from', '0001-01');
      to = monthParam(request, 'to', '9999-12');
      if (from > to) throw new ValidationError('from', `from (${from}) is after to (${to})`);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    const rows: MonthlyRow[] = [];
    for await (const entity of deps.aggregates.listMonthEntities({ from, to, select: SELECT })) {
      const row = monthlyRowFromEntity(entity);
      if (row) rows.push(row);
      if (rows.length >= MAX_DASHBOARD_ROWS) break;
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      // Relative to /api/dashboard, so the page asks its own origin (the CSP allows nothing else).
      body: renderDashboard(rows, { generatedAt: deps.now(), daysUrl: 'aggregates' }),
    };
  };
}

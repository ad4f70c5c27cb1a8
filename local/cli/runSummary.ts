// What a pipeline run prints at its end besides the ledger: a query over the run's own cities and months (the
// demo's compact summary is `year,month` across them), the month rows as CSV for the file next to the JSON, and
// the days the dashboard file embeds.
import type { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { queryAggregates } from '../../functions/api/queryAggregates.ts';
import { csvField } from '../../functions/core/query/columns.ts';
import { formatGroupBy, type GroupBy } from '../../functions/core/query/groupBy.ts';
import type { QueryRow } from '../../functions/core/query/queryRow.ts';
import type { DayRow } from '../../functions/core/dashboard/dashboardData.ts';
import type { MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import { formatQueryTable } from './formatTable.ts';

export async function formatRunQuery(table: TableClient, cityIds: ReadonlySet<string>, range: { fromMonth: string; toMonth: string }, groupBy: GroupBy): Promise<string> {
  const rows: QueryRow[] = [];
  const query = { groupBy, from: range.fromMonth, to: range.toMonth, cityIds: [...cityIds] };
  for await (const row of queryAggregates(createAggregateTable(table), query)) rows.push(row);
  const n = cityIds.size.toLocaleString('en-US');
  const heading = `groupBy ${formatGroupBy(groupBy)} over this run's ${n} ${cityIds.size === 1 ? 'city' : 'cities'}, ${range.fromMonth}..${range.toMonth} (°C):`;
  return `${heading}\n${formatQueryTable(rows, groupBy)}`;
}

const MONTHLY_COLUMNS = ['city', 'year', 'month', 'min', 'max', 'mean', 'count', 'missingHours', 'synthetic'] as const;

/** The same rows and columns as the `--json` file, one line each. */
export function monthlyCsv(rows: readonly MonthlyRow[]): string {
  const lines = rows.map((row) => MONTHLY_COLUMNS.map((c) => csvField(row[c], c === 'city')).join(','));
  return `${[MONTHLY_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Days are embedded in dashboard.html up to this many city-months (~100 KB of JSON per 100); beyond, it shows months. */
export const MAX_EMBEDDED_CITY_MONTHS = 2_400;

/** The run's days for the dashboard file, or undefined when there are too many to embed. */
export async function readRunDays(table: TableClient, cityIds: ReadonlySet<string>, range: { fromMonth: string; toMonth: string }, cityMonths: number): Promise<DayRow[] | undefined> {
  if (cityMonths > MAX_EMBEDDED_CITY_MONTHS) return undefined;
  const days: DayRow[] = [];
  const query = { groupBy: { city: true, time: 'day' } as const, from: range.fromMonth, to: range.toMonth, cityIds: [...cityIds] };
  for await (const row of queryAggregates(createAggregateTable(table), query)) {
    days.push({ cityId: row.cityId!, period: row.period, min: row.min, max: row.max, mean: row.mean, missingHours: row.missingHours });
  }
  return days;
}

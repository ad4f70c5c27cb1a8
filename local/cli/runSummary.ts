// What a pipeline run prints at its end besides the ledger: a query over the run's own cities and months (the
// demo's compact summary is `year,month` across them), and the month rows as CSV for the file next to the JSON.
import type { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { queryAggregates } from '../../functions/api/queryAggregates.ts';
import { csvField } from '../../functions/core/query/columns.ts';
import { formatGroupBy, type GroupBy } from '../../functions/core/query/groupBy.ts';
import type { QueryRow } from '../../functions/core/query/queryRow.ts';
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

const MONTHLY_COLUMNS = ['city', 'year', 'month', 'min', 'max', 'mean', 'count', 'missingHours'] as const;

/** The same rows and columns as the `--json` file, one line each. */
export function monthlyCsv(rows: readonly MonthlyRow[]): string {
  const lines = rows.map((row) => MONTHLY_COLUMNS.map((c) => csvField(row[c], c === 'city')).join(','));
  return `${[MONTHLY_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

// The end-of-run table, one row per city and month, like the seed's printed output; and a query's rows boxed the
// way Flink prints a table.
import type { MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import type { RejectedLine } from '../../functions/core/city/parseCityLine.ts';
import type { GroupBy } from '../../functions/core/query/groupBy.ts';
import type { QueryRow } from '../../functions/core/query/queryRow.ts';

const fixed = (value: number | null): string => (value === null ? '–' : value.toFixed(2));

export function formatMonthlyTable(rows: readonly MonthlyRow[]): string {
  const header = ['city', 'year', 'month', 'min', 'max', 'mean'];
  const body = rows.map((r) => [r.city, String(r.year), String(r.month).padStart(2, '0'), fixed(r.min), fixed(r.max), fixed(r.mean)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  // Text columns align left, numbers right.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatRejected(file: string, rejected: readonly RejectedLine[], total: number): string {
  const lines = [`${total} rejected line${total === 1 ? '' : 's'} in ${file}:`, ...rejected.map((r) => `  line ${r.line}: ${r.reason}`)];
  if (total > rejected.length) lines.push(`  … and ${total - rejected.length} more`);
  return lines.join('\n');
}

interface ShownColumn {
  header: string;
  cell(row: QueryRow): string;
  /** Text aligns left, numbers right. */
  text?: boolean;
}

const MAX_NAME = 28;
const name = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return '–';
  return value.length > MAX_NAME ? `${value.slice(0, MAX_NAME - 1)}…` : value;
};
const int = (value: number | undefined, width = 0) => (value === undefined ? '–' : String(value).padStart(width, '0'));

/** What the printed table shows of a query's rows (JSON and CSV have every column): readable in ~110 columns. */
function shownColumns(groupBy: GroupBy, synthetic: boolean): ShownColumn[] {
  const columns: ShownColumn[] = [];
  if (groupBy.city) columns.push({ header: 'city', text: true, cell: (r) => name(r.city) });
  if (groupBy.time === 'none') columns.push({ header: 'period', text: true, cell: (r) => r.period });
  else columns.push({ header: 'year', cell: (r) => int(r.year) });
  if (groupBy.time === 'month' || groupBy.time === 'day') columns.push({ header: 'month', cell: (r) => int(r.month, 2) });
  if (groupBy.time === 'day') columns.push({ header: 'day', cell: (r) => int(r.day, 2) });
  columns.push({ header: 'min °C', cell: (r) => fixed(r.min) });
  if (!groupBy.city) columns.push({ header: 'coldest', text: true, cell: (r) => name(r.minCity) });
  columns.push({ header: 'max °C', cell: (r) => fixed(r.max) });
  if (!groupBy.city) columns.push({ header: 'warmest', text: true, cell: (r) => name(r.maxCity) });
  columns.push({ header: 'mean °C', cell: (r) => fixed(r.mean) });
  columns.push({ header: 'missing h', cell: (r) => r.missingHours.toLocaleString('en-US') });
  if (!groupBy.city) columns.push({ header: 'cities', cell: (r) => String(r.cities ?? 0) });
  // Made-up temperatures never pass for weather: the column appears as soon as one row holds any.
  if (synthetic) columns.push({ header: 'data', text: true, cell: (r) => (r.synthetic ? 'SYNTHETIC' : 'weather') });
  return columns;
}

/** A query's rows boxed like Flink's `TableResult.print()`, with its "N rows in set" line. */
export function formatQueryTable(rows: readonly QueryRow[], groupBy: GroupBy): string {
  const columns = shownColumns(groupBy, rows.some((r) => r.synthetic === true));
  const body = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...body.map((cells) => cells[i]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]) => `|${cells.map((cell, i) => ` ${columns[i]!.text ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)} `).join('|')}|`;
  if (rows.length === 0) return 'Empty set';
  return [rule, line(columns.map((c) => c.header)), rule, ...body.map((cells) => line(cells)), rule, `${rows.length.toLocaleString('en-US')} ${rows.length === 1 ? 'row' : 'rows'} in set`].join('\n');
}

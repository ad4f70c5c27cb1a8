// The end-of-run table, one row per city and month, like the seed's printed output.
import type { MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import type { RejectedLine } from '../../functions/core/city/parseCityLine.ts';

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

// The per-line part of a run's report as the CLI prints it: rejected lines (errors) and notices (a city repeated),
// each by line number. Reasons can quote the input, so everything passes through `printable`.
import { formatRejected } from './formatTable.ts';
import { printable } from '../printable.ts';
import type { RejectionSummary } from './runResults.ts';

export function formatLineReport(file: string, summary: RejectionSummary): string | undefined {
  const parts: string[] = [];
  const name = printable(file);
  if (summary.total > 0) {
    parts.push(formatRejected(name, summary.rejected.map((r) => ({ line: r.line, reason: printable(r.reason) })), summary.total));
  }
  if (summary.noticeTotal > 0) {
    const lines = [
      `${summary.noticeTotal} notice${summary.noticeTotal === 1 ? '' : 's'} for ${name}:`,
      ...summary.notices.map((n) => `  line ${n.line}: ${printable(n.notice)}`),
    ];
    if (summary.noticeTotal > summary.notices.length) lines.push(`  … and ${summary.noticeTotal - summary.notices.length} more`);
    parts.push(lines.join('\n'));
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

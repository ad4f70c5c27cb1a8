// One output row of the aggregates API and its CSV form (RFC 4180: a period never needs quoting; empty = null).
import type { Totals } from '../core/aggregate/deriveTotals.ts';

export interface PeriodRow extends Totals {
  /** `YYYY-MM`, `YYYY`, or `from..to` for groupBy=all. */
  period: string;
}

const COLUMNS = ['period', 'min', 'max', 'mean', 'count', 'missingHours', 'days', 'minAt', 'maxAt', 'synthetic'] as const;

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

export function csvLine(row: PeriodRow): string {
  // `synthetic` is `true` for figures made from a stand-in's made-up data, empty for weather.
  return `${COLUMNS.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]))).join(',')}\r\n`;
}

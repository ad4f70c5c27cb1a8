// Years and the whole range are folded from month totals at query time: min/max over months, sums and counts
// added (in month order), mean re-derived from them, i.e. weighted by each month's count.
import { EMPTY_TOTALS, type Totals } from './deriveTotals.ts';

export interface MonthRow {
  month: string; // YYYY-MM
  totals: Totals;
}

export function combineTotals(parts: Iterable<Totals>): Totals {
  const out = { ...EMPTY_TOTALS };
  for (const part of parts) {
    out.days += part.days;
    if (part.synthetic) out.synthetic = true;
    out.missingHours += part.missingHours;
    out.sum += part.sum;
    out.count += part.count;
    if (part.min !== null && (out.min === null || part.min < out.min)) {
      out.min = part.min;
      out.minAt = part.minAt;
    }
    if (part.max !== null && (out.max === null || part.max > out.max)) {
      out.max = part.max;
      out.maxAt = part.maxAt;
    }
  }
  out.mean = out.count === 0 ? null : out.sum / out.count;
  return out;
}

function byMonth(rows: readonly MonthRow[]): MonthRow[] {
  return [...rows].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

export function foldToYear(rows: readonly MonthRow[]): { year: string; totals: Totals }[] {
  const years = new Map<string, Totals[]>();
  for (const row of byMonth(rows)) {
    const year = row.month.slice(0, 4);
    const list = years.get(year) ?? [];
    list.push(row.totals);
    years.set(year, list);
  }
  return [...years].map(([year, list]) => ({ year, totals: combineTotals(list) }));
}

export function foldToAll(rows: readonly MonthRow[]): Totals {
  return combineTotals(byMonth(rows).map((row) => row.totals));
}

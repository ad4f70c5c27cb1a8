// Month totals derived from the day records, folded in date order so that every path that holds the same days
// (stream, replay, a re-read after a conflict) computes identical floating-point results.
import { hourInstant } from './dayPartial.ts';
import { sortedDays, type MonthState } from './mergeDays.ts';

export interface Totals {
  min: number | null;
  max: number | null;
  /** sum / count over non-null hours; null when count is 0. */
  mean: number | null;
  sum: number;
  count: number;
  missingHours: number;
  days: number;
  /** ISO instant (UTC hour) of the first min / max; null when count is 0. */
  minAt: string | null;
  maxAt: string | null;
  /** Present (true) when any day behind these totals was made up by a stand-in: the figures are not weather. */
  synthetic?: true;
}

export const EMPTY_TOTALS: Totals = {
  min: null, max: null, mean: null, sum: 0, count: 0, missingHours: 0, days: 0, minAt: null, maxAt: null,
};

export function deriveTotals(month: MonthState): Totals {
  const totals = { ...EMPTY_TOTALS };
  for (const day of sortedDays(month)) {
    totals.days++;
    totals.missingHours += day.missing;
    if (day.synthetic) totals.synthetic = true;
    if (day.count === 0) continue;
    totals.sum += day.sum;
    totals.count += day.count;
    if (day.min !== null && day.minHour !== null && (totals.min === null || day.min < totals.min)) {
      totals.min = day.min;
      totals.minAt = hourInstant(day.date, day.minHour);
    }
    if (day.max !== null && day.maxHour !== null && (totals.max === null || day.max > totals.max)) {
      totals.max = day.max;
      totals.maxAt = hourInstant(day.date, day.maxHour);
    }
  }
  totals.mean = totals.count === 0 ? null : totals.sum / totals.count;
  return totals;
}

// The rows an ad-hoc query answers with: the dimensions grouped by, then the measures. Which of the optional
// fields a row carries depends only on the groupBy (see columnsFor), so JSON, CSV and the printed table agree.
import type { Totals } from '../aggregate/deriveTotals.ts';
import type { Group } from './foldGroup.ts';
import type { GroupBy } from './groupBy.ts';

/** The measures are the month totals' (the mean weighted by count across months, days and cities; `days` counts
 * city-days across cities); `synthetic` is true when any part folded in was made up. */
export interface QueryRow extends Omit<Totals, 'synthetic'> {
  // With `city` in groupBy: the place, as the month entities record it.
  cityId?: string;
  city?: string;
  lat?: number;
  lng?: number;
  /** `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `from..to` when no time dimension is grouped by. */
  period: string;
  year?: number;
  month?: number;
  day?: number;
  // Without `city` in groupBy: where the extremes happened, and how many cities were folded together.
  minCity?: string | null;
  minCityId?: string | null;
  maxCity?: string | null;
  maxCityId?: string | null;
  cities?: number;
  synthetic?: boolean;
}

/** The row of a finished group. `period` is the group's time key, or the range label when there is none. */
export function groupRow(group: Group, groupBy: GroupBy, period: string): QueryRow {
  const place = groupBy.city && group.place ? { ...group.place } : {};
  const time: Pick<QueryRow, 'year' | 'month' | 'day'> = {};
  if (groupBy.time !== 'none') time.year = Number(period.slice(0, 4));
  if (groupBy.time === 'month' || groupBy.time === 'day') time.month = Number(period.slice(5, 7));
  if (groupBy.time === 'day') time.day = Number(period.slice(8, 10));
  const where = groupBy.city
    ? {}
    : {
        minCity: group.min?.city ?? null,
        minCityId: group.min?.cityId ?? null,
        maxCity: group.max?.city ?? null,
        maxCityId: group.max?.cityId ?? null,
        cities: group.cityIds.size,
      };
  return {
    ...place,
    period,
    ...time,
    min: group.min?.value ?? null,
    max: group.max?.value ?? null,
    mean: group.count === 0 ? null : group.sum / group.count,
    sum: group.sum,
    count: group.count,
    missingHours: group.missingHours,
    days: group.days,
    minAt: group.min?.at ?? null,
    maxAt: group.max?.at ?? null,
    ...where,
    ...(group.synthetic ? { synthetic: true } : {}),
  };
}

// The dimensions of an ad-hoc query: `city` and one time grain. Time dimensions are calendar periods (UTC): `month`
// is a calendar month (YYYY-MM), so it implies its year, and `day` is a calendar date, implying year and month.
// So `year,month` and `month` group alike (the Flink query's `groupBy(year, month)` is either), and the finest
// grain given wins. No dimension, or `all`, folds the whole selection into one row.
import { ValidationError } from '../../errors.ts';

export type Dimension = 'city' | 'year' | 'month' | 'day';
export type TimeGrain = 'none' | 'year' | 'month' | 'day';

export interface GroupBy {
  city: boolean;
  time: TimeGrain;
}

export const DIMENSIONS: readonly Dimension[] = ['city', 'year', 'month', 'day'];
const GRAIN_ORDER: readonly TimeGrain[] = ['none', 'year', 'month', 'day'];
const MAX_GROUP_BY_LENGTH = 40;

/** `city,year,month` → { city: true, time: 'month' }; order and the coarser time dimensions are optional. */
export function parseGroupBy(raw: string): GroupBy {
  if (raw.length > MAX_GROUP_BY_LENGTH) throw new ValidationError('groupBy', `groupBy must be at most ${MAX_GROUP_BY_LENGTH} characters`);
  const value = raw.trim();
  if (value === '' || value === 'all') return { city: false, time: 'none' };
  const seen = new Set<string>();
  const groupBy: GroupBy = { city: false, time: 'none' };
  for (const item of value.split(',').map((part) => part.trim())) {
    if (!(DIMENSIONS as readonly string[]).includes(item)) {
      throw new ValidationError('groupBy', `groupBy must be a comma list of ${DIMENSIONS.join(', ')} (or all), got ${JSON.stringify(item.slice(0, 20))}`);
    }
    if (seen.has(item)) throw new ValidationError('groupBy', `groupBy names ${item} twice`);
    seen.add(item);
    if (item === 'city') groupBy.city = true;
    else if (GRAIN_ORDER.indexOf(item as TimeGrain) > GRAIN_ORDER.indexOf(groupBy.time)) groupBy.time = item as TimeGrain;
  }
  return groupBy;
}

/** The canonical spelling echoed in responses: `city,year,month`, `year`, `all`, … */
export function formatGroupBy(groupBy: GroupBy): string {
  const dims: string[] = groupBy.city ? ['city'] : [];
  if (groupBy.time !== 'none') dims.push(...GRAIN_ORDER.slice(1, GRAIN_ORDER.indexOf(groupBy.time) + 1));
  return dims.length === 0 ? 'all' : dims.join(',');
}

/** The group key of a period at a grain: `2023`, `2023-01`, `2023-01-05`, or '' for none. */
export function timeKey(grain: TimeGrain, date: string): string {
  switch (grain) {
    case 'none':
      return '';
    case 'year':
      return date.slice(0, 4);
    case 'month':
      return date.slice(0, 7);
    case 'day':
      return date.slice(0, 10);
  }
}

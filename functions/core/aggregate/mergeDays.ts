// Month state = one record per day. Merging keeps, per day, the newest version under a total order, so the merge
// is idempotent, commutative and associative: any delivery order, any duplication, gives the same state.
import type { DayRecord } from './dayPartial.ts';

export type MonthState = ReadonlyMap<string, DayRecord>;

export const EMPTY_MONTH: MonthState = new Map();

function canonical(record: DayRecord): string {
  const fields = [record.min, record.max, record.sum, record.count, record.missing, record.minHour, record.maxHour];
  // Synthetic or not is part of the version: the same numbers made up and measured are not the same day.
  return JSON.stringify(record.synthetic ? [...fields, 1] : fields);
}

/**
 * Orders two versions of one day: > 0 when `a` is newer. Later `fetchedAt` wins (ERA5 corrections, nulls filled
 * in); on a tie, fewer missing hours; on a further tie, the larger canonical encoding, only so that the order is
 * total and therefore independent of delivery order.
 */
export function compareVersions(a: DayRecord, b: DayRecord): number {
  const byTime = Date.parse(a.fetchedAt) - Date.parse(b.fetchedAt);
  if (byTime !== 0) return byTime;
  if (a.missing !== b.missing) return b.missing - a.missing;
  const ca = canonical(a);
  const cb = canonical(b);
  return ca === cb ? 0 : ca > cb ? 1 : -1;
}

/** Replaces each incoming day that is newer than the stored one; `changed` counts the days replaced or added. */
export function mergeDays(month: MonthState, records: Iterable<DayRecord>): { month: MonthState; changed: number } {
  const next = new Map(month);
  let changed = 0;
  for (const record of records) {
    const current = next.get(record.date);
    if (current === undefined || compareVersions(record, current) > 0) {
      // A replaced day whose fetchedAt is unchanged but which is otherwise identical cannot occur: compare is 0.
      next.set(record.date, record);
      changed++;
    }
  }
  return { month: changed === 0 ? month : next, changed };
}

/**
 * The batch replay's rule for a live entity: the raw blobs are the source of truth, so their days replace the
 * stored ones, except a stored day strictly newer than its blob (a fetch still in flight) and stored days with no
 * blob, which are kept rather than deleted.
 */
export function rebaseDays(month: MonthState, fromRaw: Iterable<DayRecord>): { month: MonthState; changed: number } {
  const next = new Map(month);
  let changed = 0;
  for (const record of fromRaw) {
    const current = next.get(record.date);
    if (current !== undefined && Date.parse(current.fetchedAt) > Date.parse(record.fetchedAt)) continue;
    if (current !== undefined && compareVersions(record, current) === 0) continue;
    next.set(record.date, record);
    changed++;
  }
  return { month: changed === 0 ? month : next, changed };
}

/** Days in date order: every fold over a month walks this order, so stream and replay agree bit for bit. */
export function sortedDays(month: MonthState): DayRecord[] {
  return [...month.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

// Turns a stream of parts into finished rows with as little held in memory as the grouping allows.
// - With `city` in groupBy the parts arrive city by city and, within a city, in time order (the table's
//   PartitionKey, RowKey order), so exactly one group is open: it is finished as soon as the next key starts.
// - Across cities every city can still add to any period, so groups stay open until the caller ends the window
//   it reads (see queryWindows): then they come out in period order.
// Without any dimension the selection is one row, even when nothing matched (as SQL's aggregate without GROUP BY).
import { AppError } from '../../errors.ts';
import { addPart, emptyGroup, type Group, type QueryPart } from './foldGroup.ts';
import { timeKey, type GroupBy } from './groupBy.ts';
import { groupRow, type QueryRow } from './queryRow.ts';

export interface RowGrouper {
  /** Adds a part; returns the rows it finished (at most one, and only when grouping by city). */
  add(part: QueryPart): QueryRow[];
  /** Ends a window: returns every open group's row, in period order. */
  endWindow(): QueryRow[];
}

export function createRowGrouper(groupBy: GroupBy, range: { from: string; to: string }): RowGrouper {
  const label = (key: string) => (groupBy.time === 'none' ? `${range.from}..${range.to}` : key);
  return groupBy.city ? streamingGrouper(groupBy, label) : windowGrouper(groupBy, label);
}

function streamingGrouper(groupBy: GroupBy, label: (key: string) => string): RowGrouper {
  let open: { cityId: string; key: string; group: Group } | undefined;
  const closedCities = new Set<string>();
  const finish = (): QueryRow[] => {
    if (!open) return [];
    const row = groupRow(open.group, groupBy, label(open.key));
    open = undefined;
    return [row];
  };
  return {
    add(part) {
      const key = timeKey(groupBy.time, part.period);
      let done: QueryRow[] = [];
      if (open && (open.cityId !== part.cityId || open.key !== key)) {
        // A key that goes back would split a group in two rows: refuse rather than answer wrong.
        if (open.cityId === part.cityId && key < open.key) throw new AppError('E_INTERNAL', `parts out of order: ${part.cityId} ${key} after ${open.key}`);
        if (open.cityId !== part.cityId) closedCities.add(open.cityId);
        done = finish();
      }
      if (!open) {
        if (closedCities.has(part.cityId)) throw new AppError('E_INTERNAL', `parts out of order: ${part.cityId} again after other cities`);
        open = { cityId: part.cityId, key, group: emptyGroup() };
      }
      addPart(open.group, part);
      return done;
    },
    endWindow: finish,
  };
}

function windowGrouper(groupBy: GroupBy, label: (key: string) => string): RowGrouper {
  let groups = new Map<string, Group>();
  if (groupBy.time === 'none') groups.set('', emptyGroup());
  return {
    add(part) {
      const key = timeKey(groupBy.time, part.period);
      let group = groups.get(key);
      if (!group) {
        group = emptyGroup();
        groups.set(key, group);
      }
      addPart(group, part);
      return [];
    },
    endWindow() {
      const rows = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, group]) => groupRow(group, groupBy, label(key)));
      groups = new Map();
      return rows;
    },
  };
}

/**
 * The month ranges to read one after the other. Across cities with a month or day grain, one calendar year at a
 * time, so at most a year of groups (≤ 366 days) is open whatever the range; otherwise the whole range at once.
 */
export function queryWindows(groupBy: GroupBy, from: string, to: string): { from: string; to: string }[] {
  if (groupBy.city || groupBy.time === 'none' || groupBy.time === 'year') return [{ from, to }];
  const windows: { from: string; to: string }[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    const y = String(year).padStart(4, '0');
    windows.push({ from: `${y}-01` < from ? from : `${y}-01`, to: `${y}-12` > to ? to : `${y}-12` });
  }
  return windows;
}

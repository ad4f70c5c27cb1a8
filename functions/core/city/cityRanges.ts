// The accepted lines of one city file, collected by city id. A city may appear on several lines (an exact repeat,
// the same range again, overlapping or adjacent ranges): it stays one city whose days are the union of its lines'
// ranges, so each city-day is requested once and the counts are of distinct cities. A repeated line is not an
// error; it gets a notice naming the line it repeats. Pure; one entry per distinct id (like cityCoordinates).
import { addDays, daysBetween, type DateRange } from '../dates.ts';
import type { City } from '../model.ts';

export interface CityPlan {
  city: City;
  /** The first line that named this city. */
  line: number;
  /** Disjoint, sorted, never adjacent: the union of every line's range. */
  ranges: DateRange[];
}

export interface LineNotice {
  line: number;
  notice: string;
}

export interface CityRanges {
  /** Adds a line's city and range; returns a notice when the city id was already on an earlier line. */
  add(city: City, range: DateRange, line: number): string | undefined;
  plans(): IterableIterator<CityPlan>;
  /** Distinct cities. */
  readonly size: number;
  /** Days in the union of every city's ranges. */
  readonly days: number;
}

/** Inserts `range` into sorted disjoint `ranges`, merging what overlaps or touches it. */
export function mergeRange(ranges: readonly DateRange[], range: DateRange): DateRange[] {
  const out: DateRange[] = [];
  let start = range.start;
  let end = range.end;
  let placed = false;
  for (const current of ranges) {
    if (addDays(current.end, 1) < start) {
      out.push(current);
    } else if (addDays(end, 1) < current.start) {
      if (!placed) out.push({ start, end });
      placed = true;
      out.push(current);
    } else {
      if (current.start < start) start = current.start;
      if (current.end > end) end = current.end;
    }
  }
  if (!placed) out.push({ start, end });
  return out;
}

function dayCount(ranges: readonly DateRange[]): number {
  return ranges.reduce((sum, r) => sum + daysBetween(r.start, r.end) + 1, 0);
}

export function createCityRanges(): CityRanges {
  const byId = new Map<string, CityPlan>();
  let days = 0;
  return {
    add(city, range, line) {
      const earlier = byId.get(city.cityId);
      if (!earlier) {
        byId.set(city.cityId, { city: { cityId: city.cityId, city: city.city, lat: city.lat, lng: city.lng }, line, ranges: [{ start: range.start, end: range.end }] });
        days += daysBetween(range.start, range.end) + 1;
        return undefined;
      }
      const before = dayCount(earlier.ranges);
      earlier.ranges = mergeRange(earlier.ranges, range);
      const added = dayCount(earlier.ranges) - before;
      days += added;
      const what = `city id "${earlier.city.cityId}" is already on line ${earlier.line}`;
      if (added === 0) return `${what}, ${range.start}..${range.end} included: nothing more to fetch, counted once`;
      return `${what}: ${range.start}..${range.end} merged with its range (${added} more day${added === 1 ? '' : 's'}; each day fetched once)`;
    },
    plans: () => byId.values(),
    get size() {
      return byId.size;
    },
    get days() {
      return days;
    },
  };
}

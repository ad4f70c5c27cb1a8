// One group of an ad-hoc query: month or day parts of one or many cities folded into one row. Extremes are kept
// under a total order so the result does not depend on the order parts arrive in: the lower minimum (higher
// maximum) wins; on a tie the earlier instant; on a further tie the smaller cityId (UTF-16 code-unit order).
// Sums and counts are added in arrival order; the mean is re-derived, i.e. weighted by count.

/** A month (from the month totals) or a day (from its day record) of one city. */
export interface QueryPart {
  cityId: string;
  city: string;
  lat: number;
  lng: number;
  /** `YYYY-MM` for a month part, `YYYY-MM-DD` for a day part. */
  period: string;
  min: number | null;
  max: number | null;
  minAt: string | null;
  maxAt: string | null;
  sum: number;
  count: number;
  missingHours: number;
  /** Days present (1 for a day part). */
  days: number;
  /** Computed from synthetic stand-in data; carried through for the column the ledger work adds. */
  synthetic?: boolean;
}

interface Extreme {
  value: number;
  at: string | null;
  cityId: string;
  city: string;
}

export interface Group {
  /** The first part's place: what a per-city row shows. null while the group is empty. */
  place: Pick<QueryPart, 'cityId' | 'city' | 'lat' | 'lng'> | null;
  min: Extreme | null;
  max: Extreme | null;
  sum: number;
  count: number;
  missingHours: number;
  days: number;
  cityIds: Set<string>;
  synthetic: boolean;
}

// A missing instant sorts after every real one, so a well-formed extreme wins a tie against a damaged one.
const LAST = '\uffff';

/** < 0 when `a` wins over `b`: `sign` is 1 for minima (lower wins), -1 for maxima (higher wins). */
export function compareExtremes(a: Extreme, b: Extreme, sign: 1 | -1): number {
  if (a.value !== b.value) return sign * (a.value - b.value);
  const atA = a.at ?? LAST;
  const atB = b.at ?? LAST;
  if (atA !== atB) return atA < atB ? -1 : 1;
  return a.cityId < b.cityId ? -1 : a.cityId > b.cityId ? 1 : 0;
}

export function emptyGroup(): Group {
  return { place: null, min: null, max: null, sum: 0, count: 0, missingHours: 0, days: 0, cityIds: new Set(), synthetic: false };
}

export function addPart(group: Group, part: QueryPart): void {
  group.place ??= { cityId: part.cityId, city: part.city, lat: part.lat, lng: part.lng };
  group.sum += part.sum;
  group.count += part.count;
  group.missingHours += part.missingHours;
  group.days += part.days;
  group.cityIds.add(part.cityId);
  if (part.synthetic === true) group.synthetic = true;
  if (part.min !== null) {
    const candidate = { value: part.min, at: part.minAt, cityId: part.cityId, city: part.city };
    if (group.min === null || compareExtremes(candidate, group.min, 1) < 0) group.min = candidate;
  }
  if (part.max !== null) {
    const candidate = { value: part.max, at: part.maxAt, cityId: part.cityId, city: part.city };
    if (group.max === null || compareExtremes(candidate, group.max, -1) < 0) group.max = candidate;
  }
}

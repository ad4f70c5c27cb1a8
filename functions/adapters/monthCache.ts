// What the aggregator last read or wrote of each city's months, with the ETags the table gave them, so that the
// next batch of a city can merge and write without reading first. Bounded by months held; the least recently used
// city goes first. The cache is only ever a guess about the table: every write it leads to is conditional (If-Match
// on an ETag, or a create that fails when the entity exists), so a stale entry costs a conflict and a re-read, never
// a wrong result.
import type { MonthState } from '../core/aggregate/mergeDays.ts';

export interface KnownMonth {
  state: MonthState;
  etag: string;
}

export interface MonthCache {
  /**
   * The city's months as last seen, or undefined when the city is not held (then the table must be read). A month
   * missing from a held city is taken to be absent from the table (written with a create, which the table refuses
   * when another writer made it since).
   */
  get(cityId: string): ReadonlyMap<string, KnownMonth> | undefined;
  /**
   * Records months just read (which starts tracking the city) or just written (kept only for a city already
   * tracked: a city forgotten or evicted since its read is unknown beyond the months written).
   */
  set(cityId: string, months: ReadonlyMap<string, KnownMonth>, mode: 'read' | 'written'): void;
  /** Forgets a city: after a conflict or a write whose outcome is unknown. */
  forget(cityId: string): void;
  readonly size: number;
}

/** `maxMonths` 0 disables caching: every batch reads first. */
export function createMonthCache(maxMonths: number): MonthCache {
  // A Map iterates in insertion order: deleting and re-inserting a city makes it the most recently used.
  const cities = new Map<string, Map<string, KnownMonth>>();
  let held = 0;

  const drop = (cityId: string) => {
    const months = cities.get(cityId);
    if (!months) return;
    held -= months.size;
    cities.delete(cityId);
  };

  return {
    get(cityId) {
      const months = cities.get(cityId);
      if (!months) return undefined;
      cities.delete(cityId);
      cities.set(cityId, months);
      return months;
    },
    set(cityId, update, mode) {
      if (maxMonths <= 0) return;
      const current = cities.get(cityId);
      // Written months of a city no longer held (evicted, or forgotten after a conflict) are only part of it: the
      // rest is unknown, so the city waits for its next read.
      if (!current && mode === 'written') return;
      const months = current ?? new Map<string, KnownMonth>();
      drop(cityId);
      for (const [month, known] of update) months.set(month, known);
      if (months.size > maxMonths) return; // one city alone over the bound is not kept
      cities.set(cityId, months);
      held += months.size;
      for (const [oldest] of cities) {
        if (held <= maxMonths) break;
        drop(oldest);
      }
    },
    forget: drop,
    get size() {
      return held;
    },
  };
}

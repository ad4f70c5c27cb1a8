// What the dashboard page draws, as one compact JSON document embedded in the page: the months on the x axis
// (every month from the first to the last, so gaps show), one series per city aligned with them, and, when the
// page is a file, each city's days. The page's script does the drawing; every string in here stays data.
import { sortMonthlyRows, type MonthlyRow } from './monthlyRows.ts';

/** [min, max, mean, count, missingHours]; min, max and mean are null for a month without readings. */
export type MonthCell = [number | null, number | null, number | null, number, number];
/** [day of month, min, max, mean, missingHours]. */
export type DayCell = [number, number | null, number | null, number | null, number];

export interface DashboardCity {
  id: string;
  name: string;
  lat: number | null;
  lng: number | null;
  /** Some month of the city holds days a stand-in made up, not weather; absent otherwise. */
  synthetic?: true;
  /** Aligned with `months`; null where the city has no entity for that month. */
  m: (MonthCell | null)[];
}

export interface DashboardData {
  title: string;
  generatedAt: string | null;
  months: string[];
  cities: DashboardCity[];
  /** Days by city id and month, embedded (a file opened from disk cannot ask the API). */
  days: Record<string, Record<string, DayCell[]>> | null;
  /** Where the page asks for a month's days when they are not embedded: the API route, relative to the page. */
  daysUrl: string | null;
}

/** A day as the day source gives it: a query row of `groupBy=city,day`. */
export interface DayRow { cityId: string; period: string; min: number | null; max: number | null; mean: number | null; missingHours: number }

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function monthOf(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const monthKey = (row: Pick<MonthlyRow, 'year' | 'month'>) => `${String(row.year).padStart(4, '0')}-${String(row.month).padStart(2, '0')}`;

export function dashboardData(rows: readonly MonthlyRow[], options: { title: string; generatedAt?: Date; days?: Iterable<DayRow>; daysUrl?: string }): DashboardData {
  const sorted = sortMonthlyRows(rows);
  const indices = sorted.map((r) => monthIndex(monthKey(r)));
  const first = Math.min(...indices);
  const months = indices.length === 0 ? [] : Array.from({ length: Math.max(...indices) - first + 1 }, (_, i) => monthOf(first + i));
  const byId = new Map<string, DashboardCity>();
  for (const row of sorted) {
    let city = byId.get(row.cityId);
    if (!city) {
      city = { id: row.cityId, name: row.city, lat: row.lat ?? null, lng: row.lng ?? null, m: months.map(() => null) };
      byId.set(row.cityId, city);
    }
    if (row.synthetic) city.synthetic = true;
    city.m[monthIndex(monthKey(row)) - first] = [row.min, row.max, row.mean, row.count, row.missingHours];
  }
  let days: DashboardData['days'] = null;
  if (options.days) {
    days = {};
    for (const d of options.days) {
      const perCity = (days[d.cityId] ??= {});
      (perCity[d.period.slice(0, 7)] ??= []).push([Number(d.period.slice(8, 10)), d.min, d.max, d.mean, d.missingHours]);
    }
  }
  return {
    title: options.title,
    generatedAt: options.generatedAt ? options.generatedAt.toISOString() : null,
    months,
    cities: [...byId.values()],
    days,
    daysUrl: options.daysUrl ?? null,
  };
}

/**
 * JSON that is safe inside a <script> element: `<`, `>` and `&` as \u escapes (no `</script>` or `<!--` can
 * appear), and U+2028/U+2029 too. JSON.parse reads it back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// The columns of a query's answer, decided by the groupBy alone, so JSON rows and CSV lines carry the same
// fields in the same order. Adding a column is one entry in COLUMNS.
import type { GroupBy } from './groupBy.ts';
import type { QueryRow } from './queryRow.ts';

export type ColumnName = keyof QueryRow;

interface ColumnSpec {
  name: ColumnName;
  /** Text cells are guarded against spreadsheet formulas in CSV; numbers and instants are written as they are. */
  text?: boolean;
  when(groupBy: GroupBy): boolean;
}

const always = () => true;
const byCity = (g: GroupBy) => g.city;
const acrossCities = (g: GroupBy) => !g.city;

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'cityId', text: true, when: byCity },
  { name: 'city', text: true, when: byCity },
  { name: 'lat', when: byCity },
  { name: 'lng', when: byCity },
  { name: 'period', when: always },
  { name: 'year', when: (g) => g.time !== 'none' },
  { name: 'month', when: (g) => g.time === 'month' || g.time === 'day' },
  { name: 'day', when: (g) => g.time === 'day' },
  { name: 'min', when: always },
  { name: 'max', when: always },
  { name: 'mean', when: always },
  { name: 'sum', when: always },
  { name: 'count', when: always },
  { name: 'missingHours', when: always },
  { name: 'days', when: always },
  { name: 'minAt', when: always },
  { name: 'maxAt', when: always },
  { name: 'minCity', text: true, when: acrossCities },
  { name: 'minCityId', text: true, when: acrossCities },
  { name: 'maxCity', text: true, when: acrossCities },
  { name: 'maxCityId', text: true, when: acrossCities },
  { name: 'cities', when: acrossCities },
  // true when any reading folded into the row was made up by a stand-in (never from the real API); null otherwise.
  { name: 'synthetic', when: always },
];

export function columnsFor(groupBy: GroupBy): ColumnName[] {
  return COLUMNS.filter((c) => c.when(groupBy)).map((c) => c.name);
}

const TEXT = new Set(COLUMNS.filter((c) => c.text).map((c) => c.name));

/** The row with exactly these columns, in this order; an absent value is null. */
export function pickColumns(row: QueryRow, columns: readonly ColumnName[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of columns) out[name] = row[name] ?? null;
  return out;
}

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading
 * apostrophe: city names are user input. Empty means null.
 */
export function csvField(value: unknown, text: boolean): string {
  if (value === null || value === undefined) return '';
  let cell = String(value);
  if (text && /^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvHeader(columns: readonly ColumnName[]): string {
  return `${columns.join(',')}\r\n`;
}

export function csvLine(row: QueryRow, columns: readonly ColumnName[]): string {
  return `${columns.map((name) => csvField(row[name], TEXT.has(name))).join(',')}\r\n`;
}

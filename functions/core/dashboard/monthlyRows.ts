// Month totals as the CLI's JSON, its table and the dashboard show them, read from aggregate entities.
export interface MonthlyRow {
  cityId: string;
  city: string;
  year: number;
  month: number;
  /** null when the month has no readings (every hour missing). */
  min: number | null;
  max: number | null;
  mean: number | null;
  count: number;
  missingHours: number;
  /** The place the month was computed for (the dashboard sorts by latitude); absent in older entities. */
  lat?: number;
  lng?: number;
  /** Present when the month's readings include days a stand-in made up: not weather, and every output says so. */
  synthetic?: true;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** An `aggregates` entity (PartitionKey cityId, RowKey `M|YYYY-MM`) → a row; undefined for rows that are not months. */
export function monthlyRowFromEntity(entity: Record<string, unknown>): MonthlyRow | undefined {
  const rowKey = String(entity.rowKey ?? '');
  const match = /^M\|(\d{4})-(\d{2})$/.exec(rowKey);
  if (!match) return undefined;
  return {
    cityId: String(entity.partitionKey ?? ''),
    city: typeof entity.city === 'string' ? entity.city : String(entity.partitionKey ?? ''),
    year: Number(match[1]),
    month: Number(match[2]),
    min: num(entity.min),
    max: num(entity.max),
    mean: num(entity.mean),
    count: num(entity.count) ?? 0,
    missingHours: num(entity.missingHours) ?? 0,
    ...(num(entity.lat) === null ? {} : { lat: num(entity.lat)! }),
    ...(num(entity.lng) === null ? {} : { lng: num(entity.lng)! }),
    ...(entity.synthetic === true ? { synthetic: true as const } : {}),
  };
}

/** By city name, then year, then month; the city id breaks ties between two cities of one name. */
export function sortMonthlyRows(rows: readonly MonthlyRow[]): MonthlyRow[] {
  return [...rows].sort(
    (a, b) => (a.city < b.city ? -1 : a.city > b.city ? 1 : 0) || a.cityId.localeCompare(b.cityId) || a.year - b.year || a.month - b.month,
  );
}

/** The CLI's `--json` shape. */
export function toJsonRow(row: MonthlyRow): { city: string; year: number; month: number; min: number | null; max: number | null; mean: number | null; count: number; missingHours: number; synthetic?: true } {
  return {
    city: row.city, year: row.year, month: row.month, min: row.min, max: row.max, mean: row.mean, count: row.count, missingHours: row.missingHours,
    ...(row.synthetic ? { synthetic: true as const } : {}),
  };
}

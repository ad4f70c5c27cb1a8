// The Table entity of one city-month: PartitionKey = cityId, RowKey = `M|YYYY-MM`. The day records live in one
// JSON string property (31 days × ~90 bytes ≈ 3 KB, far under the 64 KiB property and 1 MiB entity limits); the
// month totals are typed properties so queries read them without decoding the days.
import { ValidationError } from '../../errors.ts';
import type { DayRecord } from './dayPartial.ts';
import { deriveTotals, type Totals } from './deriveTotals.ts';
import { sortedDays, type MonthState } from './mergeDays.ts';

export interface MonthAggregate {
  cityId: string;
  month: string; // YYYY-MM
  city: string;
  lat: number;
  lng: number;
  state: MonthState;
  totals: Totals;
}

/** Only the properties the codec writes; the SDK adds etag and timestamp on read. */
export type MonthEntity = {
  partitionKey: string;
  rowKey: string;
  month: string;
  city: string;
  lat: number;
  lng: number;
  /**
   * `{ "YYYY-MM-DD": [min, max, sum, count, missing, minHour, maxHour, fetchedAt] }`, days in date order; a ninth
   * entry `1` marks a day a stand-in made up.
   */
  dayPartials: string;
  sum: number;
  count: number;
  missingHours: number;
  days: number;
  // Absent (not null) when the month has no readings: Table Storage has no null.
  min?: number;
  max?: number;
  mean?: number;
  minAt?: string;
  maxAt?: string;
  /** true when any day of the month is synthetic (made up by a stand-in, not weather); absent otherwise. */
  synthetic?: boolean;
};

export const MONTH_ROW_PREFIX = 'M|';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function monthRowKey(month: string): string {
  return `${MONTH_ROW_PREFIX}${month}`;
}

export function monthAggregate(cityId: string, month: string, place: { city: string; lat: number; lng: number }, state: MonthState): MonthAggregate {
  return { cityId, month, city: place.city, lat: place.lat, lng: place.lng, state, totals: deriveTotals(state) };
}

export function toMonthEntity(aggregate: MonthAggregate): MonthEntity {
  const days: Record<string, unknown[]> = {};
  for (const d of sortedDays(aggregate.state)) {
    const fields = [d.min, d.max, d.sum, d.count, d.missing, d.minHour, d.maxHour, d.fetchedAt];
    days[d.date] = d.synthetic ? [...fields, 1] : fields;
  }
  const t = aggregate.totals;
  return {
    partitionKey: aggregate.cityId,
    rowKey: monthRowKey(aggregate.month),
    month: aggregate.month,
    city: aggregate.city,
    lat: aggregate.lat,
    lng: aggregate.lng,
    dayPartials: JSON.stringify(days),
    sum: t.sum,
    count: t.count,
    missingHours: t.missingHours,
    days: t.days,
    ...(t.min !== null ? { min: t.min } : {}),
    ...(t.max !== null ? { max: t.max } : {}),
    ...(t.mean !== null ? { mean: t.mean } : {}),
    ...(t.minAt !== null ? { minAt: t.minAt } : {}),
    ...(t.maxAt !== null ? { maxAt: t.maxAt } : {}),
    ...(t.synthetic ? { synthetic: true } : {}),
  };
}

const nullableNumber = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
const nullableHour = (v: unknown): v is number | null => v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 24);
const count = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 24;

function decodeDay(date: string, value: unknown): DayRecord {
  if (!Array.isArray(value) || (value.length !== 8 && value.length !== 9)) throw new ValidationError('dayPartials', `day ${date} is not an 8-entry array`);
  const [min, max, sum, n, missing, minHour, maxHour, fetchedAt, synthetic] = value as unknown[];
  if (!nullableNumber(min) || !nullableNumber(max) || typeof sum !== 'number' || !count(n) || !count(missing)
    || !nullableHour(minHour) || !nullableHour(maxHour) || typeof fetchedAt !== 'string' || (value.length === 9 && synthetic !== 1)) {
    throw new ValidationError('dayPartials', `day ${date} has a malformed partial`);
  }
  return { date, fetchedAt, min, max, sum, count: n, missing, minHour, maxHour, ...(synthetic === 1 ? { synthetic: true as const } : {}) };
}

/** Decodes a stored entity; a corrupt one is a ValidationError naming the property, never a silent reset. */
export function fromMonthEntity(entity: Record<string, unknown>): MonthAggregate {
  const { partitionKey, rowKey, city, lat, lng, dayPartials } = entity;
  if (typeof partitionKey !== 'string' || typeof rowKey !== 'string') throw new ValidationError('rowKey', 'entity has no keys');
  const month = rowKey.slice(MONTH_ROW_PREFIX.length);
  if (!rowKey.startsWith(MONTH_ROW_PREFIX) || !MONTH.test(month)) throw new ValidationError('rowKey', `"${rowKey}" is not M|YYYY-MM`);
  if (typeof city !== 'string' || typeof lat !== 'number' || typeof lng !== 'number') {
    throw new ValidationError('city', `entity ${partitionKey}/${rowKey} lacks city, lat or lng`);
  }
  if (typeof dayPartials !== 'string') throw new ValidationError('dayPartials', `entity ${partitionKey}/${rowKey} has no dayPartials`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(dayPartials);
  } catch {
    throw new ValidationError('dayPartials', `entity ${partitionKey}/${rowKey} dayPartials is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ValidationError('dayPartials', 'not an object');
  const state = new Map<string, DayRecord>();
  for (const [date, value] of Object.entries(parsed)) {
    if (date.slice(0, 7) !== month) throw new ValidationError('dayPartials', `day ${date} is not in ${month}`);
    state.set(date, decodeDay(date, value));
  }
  return monthAggregate(partitionKey, month, { city, lat, lng }, state);
}

/** Typed properties a query needs; reading these avoids fetching and decoding `dayPartials`. */
export const TOTAL_PROPERTIES = ['PartitionKey', 'RowKey', 'city', 'min', 'max', 'mean', 'sum', 'count', 'missingHours', 'days', 'minAt', 'maxAt', 'synthetic'];

/** The month totals of a stored entity as written by toMonthEntity (absent extremes and mean read as null). */
export function monthTotalsFromEntity(entity: Record<string, unknown>): { month: string; totals: Totals } {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const rowKey = String(entity.rowKey);
  return {
    month: rowKey.slice(MONTH_ROW_PREFIX.length),
    totals: {
      min: num(entity.min), max: num(entity.max), mean: num(entity.mean), sum: num(entity.sum) ?? 0, count: num(entity.count) ?? 0,
      missingHours: num(entity.missingHours) ?? 0, days: num(entity.days) ?? 0, minAt: str(entity.minAt), maxAt: str(entity.maxAt),
      ...(entity.synthetic === true ? { synthetic: true as const } : {}),
    },
  };
}

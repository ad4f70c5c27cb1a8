// Month entities of the aggregates table as query parts: one per month from the stored totals (no day records
// decoded), or one per stored day record for a day grain. Plus the bounding-box test on the entity's own place.
import { hourInstant } from '../aggregate/dayPartial.ts';
import { sortedDays } from '../aggregate/mergeDays.ts';
import { fromMonthEntity, monthTotalsFromEntity, TOTAL_PROPERTIES } from '../aggregate/monthEntity.ts';
import type { QueryPart } from './foldGroup.ts';
import type { TimeGrain } from './groupBy.ts';

/** What a query reads of each entity: the totals and the place, plus the day records for a day grain. */
export function queryProperties(grain: TimeGrain): string[] {
  const base = [...TOTAL_PROPERTIES, 'lat', 'lng'];
  return grain === 'day' ? [...base, 'dayPartials'] : base;
}

function place(entity: Record<string, unknown>): Pick<QueryPart, 'cityId' | 'city' | 'lat' | 'lng'> {
  const cityId = String(entity.partitionKey);
  return {
    cityId,
    city: typeof entity.city === 'string' ? entity.city : cityId,
    lat: typeof entity.lat === 'number' ? entity.lat : Number.NaN,
    lng: typeof entity.lng === 'number' ? entity.lng : Number.NaN,
  };
}

export function monthPart(entity: Record<string, unknown>): QueryPart {
  const { month, totals } = monthTotalsFromEntity(entity);
  return {
    ...place(entity),
    period: month,
    min: totals.min,
    max: totals.max,
    minAt: totals.minAt,
    maxAt: totals.maxAt,
    sum: totals.sum,
    count: totals.count,
    missingHours: totals.missingHours,
    days: totals.days,
    ...(totals.synthetic ? { synthetic: true } : {}),
  };
}

/** The month's day records in date order; a corrupt entity throws a ValidationError naming the property. */
export function dayParts(entity: Record<string, unknown>): QueryPart[] {
  const where = place(entity);
  const aggregate = fromMonthEntity({ ...entity, city: where.city, lat: where.lat, lng: where.lng });
  return sortedDays(aggregate.state).map((day) => ({
    ...where,
    period: day.date,
    min: day.min,
    max: day.max,
    minAt: day.minHour === null ? null : hourInstant(day.date, day.minHour),
    maxAt: day.maxHour === null ? null : hourInstant(day.date, day.maxHour),
    sum: day.sum,
    count: day.count,
    missingHours: day.missing,
    days: 1,
    ...(day.synthetic ? { synthetic: true } : {}),
  }));
}

/** `minLat,minLng,maxLat,maxLng`; minLng > maxLng is a box across the antimeridian (e.g. 170 → -170). */
export interface Bbox {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
}

export function inBbox(lat: number, lng: number, box: Bbox): boolean {
  if (!(lat >= box.minLat && lat <= box.maxLat)) return false; // NaN (no place) is never inside
  return box.minLng <= box.maxLng ? lng >= box.minLng && lng <= box.maxLng : lng >= box.minLng || lng <= box.maxLng;
}

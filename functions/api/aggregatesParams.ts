// The parameters of GET /api/aggregates, one table entry each (name, a valid example, the parser), so a test can
// walk every one of them. Every failure is a ValidationError naming the parameter.
import { isValidCityId } from '../core/aggregate/decodeCityDayEvent.ts';
import { assertMonth, assertMonthRange } from '../core/aggregate/months.ts';
import { parseGroupBy, type GroupBy } from '../core/query/groupBy.ts';
import type { Bbox } from '../core/query/queryParts.ts';
import { ValidationError } from '../errors.ts';
import { only } from './queryParams.ts';

export const MAX_QUERY_MONTHS = 120;
export const MAX_QUERY_CITIES = 100;
const MAX_CITY_ITEM = 120;
const MAX_CITY_PARAM = 13_000;
/** A city id as ingest writes it (a slug, or a file's own id in the same spirit). */
const CITY_ID_PARAM = /^[a-z0-9][a-z0-9._-]*$/;
/** A city name: letters, digits, spaces and the punctuation real place names use. */
const CITY_NAME_PARAM = /^[\p{L}\p{N}][\p{L}\p{N} ,.'()-]*$/u;
const COORDINATE = /^-?\d{1,3}(\.\d{1,12})?$/;

export type CityParam = { kind: 'id'; cityId: string } | { kind: 'name'; name: string };
/** The cities asked for; `whole` is the entire value read as one name, tried first ("Peabody, MA, USA"). */
export interface CityList { items: CityParam[]; whole?: CityParam }

export interface AggregatesQuery {
  /** undefined: every city. */
  cities: CityList | undefined;
  from: string;
  to: string;
  groupBy: GroupBy;
  bbox: Bbox | undefined;
  format: 'json' | 'csv';
}

export interface QueryParameter<T> {
  name: string;
  /** A valid value, for documentation and for tests that vary one parameter at a time. */
  example: string;
  parse(raw: string | null): T;
}

function cityItem(raw: string): CityParam {
  if (raw.length > MAX_CITY_ITEM) throw new ValidationError('city', `each city must be at most ${MAX_CITY_ITEM} characters`);
  if (CITY_ID_PARAM.test(raw) && isValidCityId(raw)) return { kind: 'id', cityId: raw };
  if (CITY_NAME_PARAM.test(raw)) return { kind: 'name', name: raw };
  throw new ValidationError('city', "a city may contain only letters, digits, spaces and , . ' ( ) - (quote a name that has commas)");
}

/** Comma-separated items; an item in double quotes may contain commas. Empty items are refused. */
export function splitCityList(raw: string): string[] {
  const items: string[] = [];
  let i = 0;
  for (;;) {
    while (raw[i] === ' ') i++;
    let item: string;
    if (raw[i] === '"') {
      const close = raw.indexOf('"', i + 1);
      if (close < 0) throw new ValidationError('city', 'city has an opening quote without a closing one');
      item = raw.slice(i + 1, close);
      i = close + 1;
      while (raw[i] === ' ') i++;
      if (i < raw.length && raw[i] !== ',') throw new ValidationError('city', 'a quoted city must be followed by a comma or the end');
    } else {
      const comma = raw.indexOf(',', i);
      item = raw.slice(i, comma < 0 ? raw.length : comma);
      if (item.includes('"')) throw new ValidationError('city', 'a quote may only open or close a city');
      i = comma < 0 ? raw.length : comma;
    }
    item = item.trim();
    if (item === '') throw new ValidationError('city', 'city has an empty item (two commas in a row, or one at an end)');
    items.push(item);
    if (i >= raw.length) return items;
    i++; // the comma
  }
}

export const cityParameter: QueryParameter<CityList | undefined> = {
  name: 'city',
  example: 'peabody-ma-usa,"Salem, MA, USA"',
  parse(raw) {
    if (raw === null) return undefined;
    if (raw.trim() === '') throw new ValidationError('city', 'city must name at least one city (leave it out for every city)');
    if (raw.length > MAX_CITY_PARAM) throw new ValidationError('city', `city must be at most ${MAX_CITY_PARAM.toLocaleString('en-US')} characters`);
    const items = splitCityList(raw).map(cityItem);
    if (items.length > MAX_QUERY_CITIES) throw new ValidationError('city', `city lists ${items.length} cities; the limit is ${MAX_QUERY_CITIES}`);
    const whole = raw.trim();
    const single = items.length > 1 && !raw.includes('"') && whole.length <= MAX_CITY_ITEM && CITY_NAME_PARAM.test(whole);
    return single ? { items, whole: { kind: 'name', name: whole } } : { items };
  },
};

const monthParameter = (name: 'from' | 'to', example: string): QueryParameter<string> => ({
  name,
  example,
  parse: (raw) => assertMonth(raw ?? undefined, name),
});

export const groupByParameter: QueryParameter<GroupBy> = {
  name: 'groupBy',
  example: 'city,year,month',
  // Absent: per calendar month, as before cities could be folded together.
  parse: (raw) => parseGroupBy(raw ?? 'year,month'),
};

export const bboxParameter: QueryParameter<Bbox | undefined> = {
  name: 'bbox',
  example: '24.5,-125,49.4,-66.9',
  parse(raw) {
    if (raw === null) return undefined;
    const parts = raw.split(',');
    if (parts.length !== 4 || !parts.every((p) => COORDINATE.test(p))) {
      throw new ValidationError('bbox', 'bbox must be minLat,minLng,maxLat,maxLng in decimal degrees');
    }
    const [minLat, minLng, maxLat, maxLng] = parts.map(Number) as [number, number, number, number];
    if ([minLat, maxLat].some((v) => v < -90 || v > 90)) throw new ValidationError('bbox', 'bbox latitudes must be in -90..90');
    if ([minLng, maxLng].some((v) => v < -180 || v > 180)) throw new ValidationError('bbox', 'bbox longitudes must be in -180..180');
    if (minLat > maxLat) throw new ValidationError('bbox', `bbox minLat (${minLat}) is above maxLat (${maxLat})`);
    // minLng > maxLng is not an error: the box crosses the antimeridian.
    return { minLat, minLng, maxLat, maxLng };
  },
};

export const formatParameter: QueryParameter<'json' | 'csv'> = {
  name: 'format',
  example: 'csv',
  parse(raw) {
    if (raw === null || raw === 'json' || raw === 'csv') return raw ?? 'json';
    throw new ValidationError('format', 'format must be one of json, csv');
  },
};

export const AGGREGATES_PARAMETERS = [
  cityParameter,
  monthParameter('from', '2023-01'),
  monthParameter('to', '2023-12'),
  groupByParameter,
  bboxParameter,
  formatParameter,
] as const;

export function parseAggregatesQuery(query: URLSearchParams): AggregatesQuery {
  only(query, AGGREGATES_PARAMETERS.map((p) => p.name));
  const [city, from, to, groupBy, bbox, format] = AGGREGATES_PARAMETERS;
  const parsed = {
    cities: city.parse(query.get('city')),
    from: from.parse(query.get('from')),
    to: to.parse(query.get('to')),
    groupBy: groupBy.parse(query.get('groupBy')),
    bbox: bbox.parse(query.get('bbox')),
    format: format.parse(query.get('format')),
  };
  assertMonthRange(parsed.from, parsed.to, MAX_QUERY_MONTHS);
  return parsed;
}

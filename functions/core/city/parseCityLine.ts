// One line of a city file → an accepted city or a rejection that names the field and says what is wrong.
// Contract: docs/architecture.md ("City file"). Nothing from the input is copied wholesale: fields are picked one
// by one from JSON.parse's result, so a `__proto__` key can never reach a prototype.
import type { City } from '../model.ts';
import { isValidDate } from '../dates.ts';
import { ensureErrorType } from '../../errors.ts';
import { slugCityId } from './slugCityId.ts';
import { validateCityId } from './validateCityId.ts';

export const MAX_CITY_NAME_LENGTH = 200;

/** A line that passed validation; `start`/`end` are the line's own range, when it gives one. */
export interface AcceptedCity extends City {
  line: number;
  start?: string;
  end?: string;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export type CityLineResult = ({ ok: true } & AcceptedCity) | ({ ok: false } & RejectedLine);

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** A short, printable rendering of a bad value for a reason; never echoes a huge input. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function coordinate(record: Record<string, unknown>, field: 'lat' | 'lng', limit: number): number | string {
  if (!Object.hasOwn(record, field)) return `${field} is missing`;
  const value = record[field];
  if (typeof value !== 'number') return `${field} must be a number, got ${typeof value === 'string' ? 'a string' : describeValue(value)}`;
  if (!Number.isFinite(value)) return `${field} must be a finite number`;
  if (value < -limit || value > limit) return `${field} must be between ${-limit} and ${limit}, got ${value}`;
  return value;
}

function cityName(record: Record<string, unknown>): string | { reason: string } {
  if (!Object.hasOwn(record, 'city')) return { reason: 'city is missing' };
  const value = record.city;
  if (typeof value !== 'string') return { reason: `city must be a string, got ${describeValue(value)}` };
  const name = value.trim();
  if (name === '') return { reason: 'city must not be empty' };
  if (name.length > MAX_CITY_NAME_LENGTH) {
    return { reason: `city must be at most ${MAX_CITY_NAME_LENGTH} characters, got ${name.length}` };
  }
  if (CONTROL.test(name)) return { reason: 'city must not contain control characters' };
  return name;
}

function dateRange(record: Record<string, unknown>): { start?: string; end?: string } | { reason: string } {
  const hasStart = Object.hasOwn(record, 'start') && record.start !== null;
  const hasEnd = Object.hasOwn(record, 'end') && record.end !== null;
  if (!hasStart && !hasEnd) return {};
  for (const field of ['start', 'end'] as const) {
    const value = record[field];
    if (value !== undefined && value !== null && !isValidDate(value)) {
      return { reason: `${field} must be a calendar date YYYY-MM-DD, got ${describeValue(value)}` };
    }
  }
  if (!hasStart || !hasEnd) return { reason: 'start and end must be given together' };
  const start = record.start as string;
  const end = record.end as string;
  if (start > end) return { reason: `start (${start}) is after end (${end})` };
  return { start, end };
}

/** Validates one parsed JSON value as a city record. `line` is the 1-based line (or array element) number. */
export function parseCityRecord(value: unknown, line: number): CityLineResult {
  const reject = (reason: string): CityLineResult => ({ ok: false, line, reason });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(`a city line must be a JSON object, got ${describeValue(value)}`);
  }
  const record = value as Record<string, unknown>;
  const forbidden = FORBIDDEN_KEYS.find((key) => Object.hasOwn(record, key));
  if (forbidden) return reject(`the key "${forbidden}" is not allowed`);

  const name = cityName(record);
  if (typeof name !== 'string') return reject(name.reason);
  const lat = coordinate(record, 'lat', 90);
  if (typeof lat === 'string') return reject(lat);
  const lng = coordinate(record, 'lng', 180);
  if (typeof lng === 'string') return reject(lng);
  const range = dateRange(record);
  if ('reason' in range) return reject(range.reason);

  let cityId: string;
  if (Object.hasOwn(record, 'id') && record.id !== null) {
    try {
      cityId = validateCityId(record.id);
    } catch (error) {
      return reject(ensureErrorType(error).message);
    }
  } else {
    cityId = slugCityId(name);
  }
  return { ok: true, line, cityId, city: name, lat, lng, ...range };
}

/** Parses and validates one line of text (without its line terminator). */
export function parseCityLine(text: string, line: number): CityLineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = ensureErrorType(error).message;
    return { ok: false, line, reason: `not valid JSON: ${detail.length > 120 ? `${detail.slice(0, 120)}…` : detail}` };
  }
  return parseCityRecord(value, line);
}

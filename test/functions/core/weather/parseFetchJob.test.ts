import { describe, expect, it } from 'vitest';
import { parseFetchJob } from '../../../../functions/core/weather/parseFetchJob.ts';
import { ValidationError } from '../../../../functions/errors.ts';

const job = { v: 1, runId: 'r1', cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.5, lng: -70.9, start: '2023-01-01', end: '2023-08-30' };

describe('parseFetchJob', () => {
  it('accepts a job object and a job as JSON text', () => {
    expect(parseFetchJob(job)).toEqual(job);
    expect(parseFetchJob(JSON.stringify({ ...job, deferrals: 3 }))).toEqual({ ...job, deferrals: 3 });
  });

  it('drops unknown fields and a zero deferral count', () => {
    expect(parseFetchJob({ ...job, extra: true, deferrals: 0 })).toEqual(job);
  });

  it.each<[string, unknown, string]>([
    ['text that is not JSON', '{v:1', 'message'],
    ['an array', [job], 'message'],
    ['a missing version', { ...job, v: undefined }, 'v'],
    ['version 2', { ...job, v: 2 }, 'v'],
    ['a missing runId', { ...job, runId: undefined }, 'runId'],
    ['an empty cityId', { ...job, cityId: '' }, 'cityId'],
    ['a cityId with a slash', { ...job, cityId: 'a/b' }, 'cityId'],
    ['a cityId with a newline', { ...job, cityId: 'a\nb' }, 'cityId'],
    ['a cityId over 100 characters', { ...job, cityId: 'x'.repeat(101) }, 'cityId'],
    ['a missing city', { ...job, city: undefined }, 'city'],
    ['a latitude of 91', { ...job, lat: 91 }, 'lat'],
    ['a string longitude', { ...job, lng: '-70.9' }, 'lng'],
    ['a malformed start', { ...job, start: '2023-1-1' }, 'start'],
    ['an impossible end', { ...job, end: '2023-02-29' }, 'end'],
    ['an end before start', { ...job, end: '2022-12-31' }, 'end'],
    ['a range over ten years', { ...job, start: '2000-01-01', end: '2020-01-01' }, 'end'],
    ['negative deferrals', { ...job, deferrals: -1 }, 'deferrals'],
  ])('throws a ValidationError for %s', (_label, message, field) => {
    expect(() => parseFetchJob(message)).toThrow(ValidationError);
    try {
      parseFetchJob(message);
    } catch (error) {
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

/** The ValidationError parseFetchJob throws for `message` (fails the test when it throws none). */
function refusal(message: unknown): ValidationError {
  try {
    parseFetchJob(message);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('parseFetchJob accepted the message');
}

describe('parseFetchJob at its limits', () => {
  it('accepts the edges: a single-day range, exactly 3,660 days, coordinates at ±90/±180, a 100-character id with a space', () => {
    expect(parseFetchJob({ ...job, start: '2023-05-05', end: '2023-05-05' })).toMatchObject({ start: '2023-05-05', end: '2023-05-05' });
    expect(parseFetchJob({ ...job, start: '2000-01-01', end: '2010-01-07' })).toMatchObject({ end: '2010-01-07' });
    expect(parseFetchJob({ ...job, lat: 90, lng: -180 })).toMatchObject({ lat: 90, lng: -180 });
    expect(parseFetchJob({ ...job, lat: -90, lng: 180 })).toMatchObject({ lat: -90, lng: 180 });
    const id = `a b${'x'.repeat(97)}`;
    expect(parseFetchJob({ ...job, cityId: id }).cityId).toBe(id);
  });

  it.each<[string, unknown, string, string]>([
    ['text that is not JSON', '{v:1', 'message', 'message is not JSON'],
    ['a number', 42, 'message', 'message must be a JSON object'],
    ['null', null, 'message', 'message must be a JSON object'],
    ['JSON null', 'null', 'message', 'message must be a JSON object'],
    ['an array', [job], 'message', 'message must be a JSON object'],
    ['version "1" as text', { ...job, v: '1' }, 'v', 'v must be 1, got "1"'],
    ['a runId of spaces', { ...job, runId: '   ' }, 'runId', 'runId must be a non-empty string'],
    ['a city that is a number', { ...job, city: 7 }, 'city', 'city must be a non-empty string'],
    ['a cityId with DEL', { ...job, cityId: 'a\u007fb' }, 'cityId', 'cityId "a\u007fb" is not a valid id (≤ 100 chars, no / \\ # ? or control characters)'],
    ['a cityId with a unit separator', { ...job, cityId: 'a\u001fb' }, 'cityId', 'cityId "a\u001fb" is not a valid id (≤ 100 chars, no / \\ # ? or control characters)'],
    ['a latitude just over 90', { ...job, lat: 90.000001 }, 'lat', 'lat must be a number between -90 and 90, got 90.000001'],
    ['a longitude just under -180', { ...job, lng: -180.000001 }, 'lng', 'lng must be a number between -180 and 180, got -180.000001'],
    ['a latitude that is not finite', { ...job, lat: Number.NaN }, 'lat', 'lat must be a number between -90 and 90, got null'],
    ['a start that is not a date', { ...job, start: '2023-13-01' }, 'start', 'start must be a date YYYY-MM-DD, got "2023-13-01"'],
    ['an end one day before start', { ...job, start: '2023-01-02', end: '2023-01-01' }, 'end', 'end 2023-01-01 is before start 2023-01-02'],
    ['a range of 3,661 days', { ...job, start: '2000-01-01', end: '2010-01-08' }, 'end', 'the range 2000-01-01..2010-01-08 is longer than 3660 days'],
    ['fractional deferrals', { ...job, deferrals: 1.5 }, 'deferrals', 'deferrals must be a whole number ≥ 0, got 1.5'],
    ['deferrals as text', { ...job, deferrals: '2' }, 'deferrals', 'deferrals must be a whole number ≥ 0, got "2"'],
  ])('refuses %s, naming the field and saying why', (_label, message, field, text) => {
    expect(refusal(message)).toMatchObject({ field, message: text });
  });
});

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

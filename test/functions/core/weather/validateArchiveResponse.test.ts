import { describe, expect, it } from 'vitest';
import {
  ArchiveResponseError,
  validateArchiveResponse,
} from '../../../../functions/core/weather/validateArchiveResponse.ts';
import { UpstreamError } from '../../../../functions/errors.ts';

function good(): Record<string, unknown> {
  return {
    latitude: 42.5,
    longitude: -71.0,
    elevation: 12,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    hourly: { time: ['2023-01-01T22:00', '2023-01-01T23:00', '2023-01-02T00:00'], temperature_2m: [1.5, null, -3] },
  };
}

function withHourly(time: unknown, temperature: unknown): Record<string, unknown> {
  return { ...good(), hourly: { time, temperature_2m: temperature } };
}

describe('validateArchiveResponse', () => {
  it('returns the typed response for a well-formed body, nulls kept', () => {
    const response = validateArchiveResponse(good());
    expect(response).toEqual({
      latitude: 42.5,
      longitude: -71,
      elevation: 12,
      utc_offset_seconds: 0,
      hourly: { time: ['2023-01-01T22:00', '2023-01-01T23:00', '2023-01-02T00:00'], temperature_2m: [1.5, null, -3] },
    });
  });

  it('keeps a stand-in\'s "synthetic": true, and only true', () => {
    expect(validateArchiveResponse({ ...good(), synthetic: true }).synthetic).toBe(true);
    expect(validateArchiveResponse({ ...good(), synthetic: 'yes' })).not.toHaveProperty('synthetic');
    expect(validateArchiveResponse(good())).not.toHaveProperty('synthetic');
  });

  it('accepts a body without elevation (the recorded data has none)', () => {
    const { elevation: _drop, ...body } = good();
    expect(validateArchiveResponse(body).elevation).toBeUndefined();
  });

  it('accepts hour after hour across midnight, month and year ends, a leap day and 1970', () => {
    for (const first of ['1969-12-30T20:00', '2024-02-27T00:00', '2023-12-30T05:00', '2023-01-01T00:00']) {
      const start = Date.parse(`${first}:00Z`);
      const time = Array.from({ length: 24 * 3 + 7 }, (_, i) => new Date(start + i * 3_600_000).toISOString().slice(0, 16));
      expect(validateArchiveResponse(withHourly(time, time.map(() => 1))).hourly.time).toEqual(time);
    }
  });

  it.each<[string, string[]]>([
    ['an hour without its leading zero', ['2023-01-01T00:00', '2023-01-01T01:00', '2023-01-01T2:00']],
    ['a day after the month\'s last', ['2023-01-31T22:00', '2023-01-31T23:00', '2023-01-32T00:00']],
    ['the same day again after 23:00', ['2023-01-31T22:00', '2023-01-31T23:00', '2023-01-31T00:00']],
    ['the same day again after 23:00 in 1969', ['1969-12-31T22:00', '1969-12-31T23:00', '1969-12-31T00:00']],
    ['an hour skipped after several good ones', ['2023-01-01T08:00', '2023-01-01T09:00', '2023-01-01T11:00']],
  ])('throws for %s after hours that were fine, naming the offending one', (_label, time) => {
    expect(() => validateArchiveResponse(withHourly(time, [1, 2, 3]))).toThrow(expect.objectContaining({ field: 'hourly.time[2]' }));
  });

  it.each<[string, unknown, string]>([
    ['a non-object body', [good()], 'body'],
    ['null', null, 'body'],
    ['a missing latitude', { ...good(), latitude: undefined }, 'latitude'],
    ['a string longitude', { ...good(), longitude: '-71' }, 'longitude'],
    ['a latitude out of range', { ...good(), latitude: 91 }, 'latitude'],
    ['a non-numeric elevation', { ...good(), elevation: 'high' }, 'elevation'],
    ['a non-UTC offset', { ...good(), utc_offset_seconds: 3600 }, 'utc_offset_seconds'],
    ['a missing offset', { ...good(), utc_offset_seconds: undefined }, 'utc_offset_seconds'],
    ['no hourly block', { ...good(), hourly: undefined }, 'hourly'],
    ['time not an array', withHourly('2023-01-01T00:00', [1]), 'hourly.time'],
    ['values not an array', withHourly(['2023-01-01T00:00'], 1), 'hourly.temperature_2m'],
    ['lengths that differ', withHourly(['2023-01-01T00:00', '2023-01-01T01:00'], [1]), 'hourly.temperature_2m'],
    ['an hour with minutes', withHourly(['2023-01-01T00:30'], [1]), 'hourly.time[0]'],
    ['a date that does not exist', withHourly(['2023-02-30T00:00'], [1]), 'hourly.time[0]'],
    ['an hour 24', withHourly(['2023-01-01T24:00'], [1]), 'hourly.time[0]'],
    ['a time with a zone', withHourly(['2023-01-01T00:00Z'], [1]), 'hourly.time[0]'],
    ['a numeric time', withHourly([1672531200], [1]), 'hourly.time[0]'],
    ['an empty first time (it must not pass as the hour before it)', withHourly(['', '2023-01-01T00:00'], [1, 2]), 'hourly.time[0]'],
    ['a gap of two hours', withHourly(['2023-01-01T00:00', '2023-01-01T02:00'], [1, 2]), 'hourly.time[1]'],
    // The hour after a good one is checked in place: each part of the stamp must still be exactly right.
    ['a next hour with a dash for the colon', withHourly(['2023-01-01T00:00', '2023-01-01T01-00'], [1, 2]), 'hourly.time[1]'],
    ['a next hour with minutes', withHourly(['2023-01-01T00:00', '2023-01-01T01:30'], [1, 2]), 'hourly.time[1]'],
    ['a next hour ending :0x', withHourly(['2023-01-01T00:00', '2023-01-01T01:01'], [1, 2]), 'hourly.time[1]'],
    ['a next hour with a trailing space', withHourly(['2023-01-01T00:00', '2023-01-01T01:00 '], [1, 2]), 'hourly.time[1]'],
    ['a next hour with a zone', withHourly(['2023-01-01T00:00', '2023-01-01T01:00Z'], [1, 2]), 'hourly.time[1]'],
    ['a next hour on another day', withHourly(['2023-01-01T00:00', '2023-01-02T01:00'], [1, 2]), 'hourly.time[1]'],
    ['a next hour in another year', withHourly(['2023-01-01T09:00', '2024-01-01T10:00'], [1, 2]), 'hourly.time[1]'],
    ['a next hour with a space for the T', withHourly(['2023-01-01T00:00', '2023-01-01 01:00'], [1, 2]), 'hourly.time[1]'],
    ['a next hour whose tens digit is off', withHourly(['2023-01-01T09:00', '2023-01-01T00:00'], [1, 2]), 'hourly.time[1]'],
    ['a next hour whose units digit is off', withHourly(['2023-01-01T09:00', '2023-01-01T11:00'], [1, 2]), 'hourly.time[1]'],
    ['hours out of order', withHourly(['2023-01-01T01:00', '2023-01-01T00:00'], [1, 2]), 'hourly.time[1]'],
    ['a repeated hour', withHourly(['2023-01-01T01:00', '2023-01-01T01:00'], [1, 2]), 'hourly.time[1]'],
    ['a string reading', withHourly(['2023-01-01T00:00'], ['1.5']), 'hourly.temperature_2m[0]'],
    ['a boolean reading', withHourly(['2023-01-01T00:00'], [false]), 'hourly.temperature_2m[0]'],
  ])('throws an ArchiveResponseError for %s, naming the field', (_label, body, field) => {
    let caught: unknown;
    try {
      validateArchiveResponse(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiveResponseError);
    expect(caught).toBeInstanceOf(UpstreamError);
    expect((caught as ArchiveResponseError).field).toBe(field);
    expect((caught as Error).message).toContain(field);
  });
});

describe('validateArchiveResponse, exactly', () => {
  it('accepts coordinates at their limits', () => {
    expect(validateArchiveResponse({ ...good(), latitude: -90, longitude: 180 })).toMatchObject({ latitude: -90, longitude: 180 });
    expect(validateArchiveResponse({ ...good(), latitude: 90, longitude: -180 })).toMatchObject({ latitude: 90, longitude: -180 });
  });

  it('leaves elevation out of the result when the body has none (not as an undefined property)', () => {
    const { elevation: _drop, ...body } = good();
    expect(validateArchiveResponse(body)).not.toHaveProperty('elevation');
  });

  it.each<[string, unknown, string]>([
    ['an array body', [good()], 'body must be a JSON object, got an array'],
    ['a text body', 'x', 'body must be a JSON object, got string'],
    ['a latitude as text', { ...good(), latitude: '42' }, 'latitude must be a number, got "42"'],
    ['a latitude just below -90', { ...good(), latitude: -90.5 }, 'latitude must be between -90 and 90, got -90.5'],
    ['a longitude just above 180', { ...good(), longitude: 180.5 }, 'longitude must be between -180 and 180, got 180.5'],
    ['an offset of an hour', { ...good(), utc_offset_seconds: 3600 }, 'utc_offset_seconds must be 0 (we ask for timezone=UTC), got 3600'],
    ['an hourly block that is text', { ...good(), hourly: 'x' }, 'hourly must be an object'],
    ['time as text', withHourly('2023-01-01T00:00', [1]), 'hourly.time must be an array'],
    ['values as a number', withHourly(['2023-01-01T00:00'], 1), 'hourly.temperature_2m must be an array'],
    ['one value for two hours', withHourly(['2023-01-01T00:00', '2023-01-01T01:00'], [1]), 'hourly.temperature_2m has 1 values for 2 hours'],
    ['a time that is not an hour', withHourly(['x'], [1]), 'hourly.time[0] must be an hour YYYY-MM-DDTHH:00, got "x"'],
    ['a time wrapped in an array (it would read as the hour as text)', withHourly([['2023-01-01T00:00']], [1]), 'hourly.time[0] must be an hour YYYY-MM-DDTHH:00, got ["2023-01-01T00:00"]'],
    ['a gap of two hours', withHourly(['2023-01-01T00:00', '2023-01-01T02:00'], [1, 2]), 'hourly.time[1] 2023-01-01T02:00 does not follow 2023-01-01T00:00 by one hour'],
    ['a reading as text', withHourly(['2023-01-01T00:00'], ['1.5']), 'hourly.temperature_2m[0] must be a number or null, got "1.5"'],
    ['an infinite reading', withHourly(['2023-01-01T00:00'], [Number.POSITIVE_INFINITY]), 'hourly.temperature_2m[0] must be a number or null, got null'],
  ])('refuses %s with the field and the reason in its message', (_label, body, message) => {
    expect(() => validateArchiveResponse(body)).toThrow(new ArchiveResponseError(message.split(' ')[0]!, message.slice(message.indexOf(' ') + 1)));
    expect(() => validateArchiveResponse(body)).toThrow(`Open-Meteo response: ${message}`);
  });
});

describe('validateArchiveResponse after a good stamp', () => {
  // The stamp after a good one is checked against a prediction of its text before any parsing: whatever the
  // prediction, only the real next hour may pass. Near misses of the prediction for each kind of hour:
  it.each<[string, string]>([
    ['2023-01-01T09:00', '2023-01-01TStryker was here!10:00'], // what Stryker's string mutant of the padding predicts
    ['2023-01-01T05:00', ''],
    ['2023-01-01T05:00', '2023-01-01T05:0006:00'],
    ['2023-01-01T09:00', '2023-01-01T010:00'],
    ['2023-01-01T22:00', '2023-01-01T023:00'],
    ['2023-01-01T23:00', '2023-01-01T24:00'],
    ['2023-01-01T23:00', '2023-01-01T023:00'],
    ['2023-01-01T23:00', '2023-01-01T23:00'],
    ['2023-01-01T23:00', '2023-01-01T22:00'],
    ['2023-01-01T23:00', '2023-01-02T00:00:00.000Z'],
    ['1969-12-31T23:00', '1969-12-31T24:00'],
  ])('refuses %s followed by %j', (first, second) => {
    expect(() => validateArchiveResponse(withHourly([first, second], [1, 2]))).toThrow(expect.objectContaining({ field: 'hourly.time[1]' }));
  });
});

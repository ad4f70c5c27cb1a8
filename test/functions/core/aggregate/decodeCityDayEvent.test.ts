import { describe, expect, it } from 'vitest';
import { decodeCityDayEvent } from '../../../../functions/core/aggregate/decodeCityDayEvent.ts';
import { makeEvent } from './makeEvent.ts';

const hourly = (patch: Record<number, unknown>) => Array.from({ length: 24 }, (_, h) => (h in patch ? patch[h] : 1));

describe('decodeCityDayEvent', () => {
  it('accepts a valid event as an object, a JSON string and a Buffer', () => {
    const event = makeEvent();
    for (const body of [event, JSON.stringify(event), Buffer.from(JSON.stringify(event))]) {
      expect(decodeCityDayEvent(body)).toEqual({ ok: true, event });
    }
  });

  it('accepts the boundary values: coordinates at ±90/±180, readings at -100 and 70 °C, a 200-character name, elevation absent or 0', () => {
    for (const [lat, lng] of [[90, 180], [-90, -180]] as const) {
      const event = makeEvent({ lat, lng, gridLat: lat, gridLng: lng, city: 'x'.repeat(200), hourly: hourly({ 0: -100, 1: 70 }) as (number | null)[] });
      expect(decodeCityDayEvent(event)).toEqual({ ok: true, event });
    }
    expect(decodeCityDayEvent(makeEvent({ elevation: 0 })).ok).toBe(true);
  });

  it('accepts a source marked synthetic: true', () => {
    const event = makeEvent({ source: { api: 'a', fetchedAt: '2023-09-23T10:00:00Z', synthetic: true } });
    expect(decodeCityDayEvent(event)).toEqual({ ok: true, event });
  });

  it('accepts a fetchedAt with a numeric offset instead of Z', () => {
    for (const fetchedAt of ['2023-09-23T12:00:00+02:00', '2023-09-23T04:30-05:30', '2023-09-23T10:00:00.5+00:00']) {
      const event = makeEvent({ source: { api: 'a', fetchedAt } });
      expect(decodeCityDayEvent(event)).toEqual({ ok: true, event });
    }
  });

  it('refuses a fetchedAt with an expanded year, which Date.parse would read', () => {
    expect(decodeCityDayEvent(makeEvent({ source: { api: 'a', fetchedAt: '+002023-09-23T10:00:00Z' } }))).toEqual({ ok: false, reason: 'source.fetchedAt must be an ISO 8601 timestamp with a zone' });
  });

  it('accepts nulls as missing readings', () => {
    const result = decodeCityDayEvent(makeEvent({ hourly: hourly({ 3: null }) as (number | null)[] }));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['not JSON', '{nope', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['a number', 42, /not a JSON object/],
    ['wrong schema version', { ...makeEvent(), v: 2 }, /^v must be 1/],
    ['no schema version', { ...makeEvent(), v: undefined }, /^v must be 1, got nothing$/],
    ['a schema version as text', { ...makeEvent(), v: '1' }, /^v must be 1, got "1"$/],
    ['a cityId with a leading space', makeEvent({ cityId: ' peabody' }), /^cityId/],
    ['a cityId with a trailing space', makeEvent({ cityId: 'peabody ' }), /^cityId/],
    ['a city name of 201 characters', makeEvent({ city: 'x'.repeat(201) }), /^city must/],
    ['a city name that is not a string', { ...makeEvent(), city: 7 }, /^city must/],
    ['a cityId with a slash', makeEvent({ cityId: 'a/b' }), /^cityId/],
    ['a cityId with a quote and a hash', makeEvent({ cityId: "x'#" }), /^cityId/],
    ['an empty cityId', makeEvent({ cityId: '' }), /^cityId/],
    ['a cityId of 101 characters', makeEvent({ cityId: 'a'.repeat(101) }), /^cityId/],
    ['a cityId with a control character', makeEvent({ cityId: 'a\u0001b' }), /^cityId/],
    ['an empty city name', makeEvent({ city: '' }), /^city must/],
    ['lat out of range', makeEvent({ lat: 91 }), /^lat/],
    ['lat just above 90', makeEvent({ lat: 90.0001 }), /^lat must be a number in -90..90$/],
    ['lat just below -90', makeEvent({ lat: -90.0001 }), /^lat must be a number in -90..90$/],
    ['lng just above 180', makeEvent({ lng: 180.0001 }), /^lng must be a number in -180..180$/],
    ['lng just below -180', makeEvent({ lng: -180.0001 }), /^lng must be a number in -180..180$/],
    ['gridLat just above 90', makeEvent({ gridLat: 90.0001 }), /^gridLat must be a number in -90..90$/],
    ['gridLat just below -90', makeEvent({ gridLat: -90.0001 }), /^gridLat must be a number in -90..90$/],
    ['gridLng just above 180', makeEvent({ gridLng: 180.0001 }), /^gridLng must be a number in -180..180$/],
    ['lng not a number', { ...makeEvent(), lng: '1' }, /^lng/],
    ['gridLat missing', { ...makeEvent(), gridLat: undefined }, /^gridLat/],
    ['gridLng out of range', makeEvent({ gridLng: -181 }), /^gridLng/],
    ['elevation not a number', { ...makeEvent(), elevation: 'high' }, /^elevation/],
    ['an impossible date', makeEvent({ date: '2023-02-30' }), /^date/],
    ['a date with time', makeEvent({ date: '2023-02-03T00:00' }), /^date/],
    ['23 hourly entries', makeEvent({ hourly: Array(23).fill(1) as number[] }), /24 entries/],
    ['hourly not an array', { ...makeEvent(), hourly: 'x' }, /24 entries/],
    ['a string reading', { ...makeEvent(), hourly: hourly({ 5: '1' }) }, /hourly\[5\] must be a finite number or null/],
    ['a NaN reading', { ...makeEvent(), hourly: hourly({ 6: Number.NaN }) }, /hourly\[6\]/],
    ['a reading above 70 °C', { ...makeEvent(), hourly: hourly({ 7: 71 }) }, /hourly\[7\] = 71 is outside/],
    ['a reading below -100 °C', { ...makeEvent(), hourly: hourly({ 0: -100.5 }) }, /hourly\[0\] = -100.5 is outside/],
    ['no source', { ...makeEvent(), source: undefined }, /^source must be an object/],
    ['a null source', { ...makeEvent(), source: null }, /^source must be an object/],
    ['a source that is an array', { ...makeEvent(), source: [] }, /^source must be an object/],
    ['an empty source.api', makeEvent({ source: { api: '', fetchedAt: '2023-09-23T10:00:00Z' } }), /^source.api must be a non-empty string/],
    ['a source.synthetic that is not true', makeEvent({ source: { api: 'a', fetchedAt: '2023-09-23T10:00:00Z', synthetic: 'no' as unknown as true } }), /^source.synthetic must be true when present/],
    ['no source.api', { ...makeEvent(), source: { fetchedAt: '2023-09-23T10:00:00Z' } }, /^source.api/],
    ['a fetchedAt without zone', makeEvent({ source: { api: 'a', fetchedAt: '2023-09-23T10:00:00' } }), /fetchedAt/],
    ['a fetchedAt that is not a time', makeEvent({ source: { api: 'a', fetchedAt: 'yesterday' } }), /fetchedAt/],
  ])('rejects %s with a reason naming the field', (_name, body, reason) => {
    const result = decodeCityDayEvent(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

import { describe, expect, it } from 'vitest';
import {
  nameSafeInstant,
  parseRawResponseName,
  rawResponseMetadata,
  rawResponseName,
  readRawResponseInfo,
  type RawResponseInfo,
} from '../../../../functions/core/weather/rawResponse.ts';

const info: RawResponseInfo = {
  cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786, start: '2023-01-01', end: '2023-08-30',
  fetchedAt: '2023-09-23T10:00:00.123Z', runId: 'run-1', model: 'era5',
};
const NAME = 'peabody-ma-usa/2023-01-01_2023-08-30/2023-09-23T10-00-00.123Z.json';

describe('nameSafeInstant', () => {
  it('replaces the colons and keeps the fixed width, so names sort as the instants do', () => {
    expect(nameSafeInstant('2023-09-23T10:00:00.123Z')).toBe('2023-09-23T10-00-00.123Z');
    const instants = ['2023-09-23T10:00:00.000Z', '2023-09-23T09:59:59.999Z', '2024-01-01T00:00:00.000Z', '2023-09-23T10:00:00.001Z'];
    expect(instants.map(nameSafeInstant).sort()).toEqual([...instants].sort().map(nameSafeInstant));
  });

  it.each(['2023-09-23T10:00:00Z', '2023-09-23T10:00:00.000+02:00', 'yesterday', '+012023-09-23T10:00:00.000Z', '2023-09-23T10:00:00.000Z/../x'])('throws for %s', (value) => {
    expect(() => nameSafeInstant(value)).toThrow(RangeError);
  });
});

describe('rawResponseName', () => {
  it('names a response <cityId>/<start>_<end>/<fetchedAt>.json, and a copy ~n after it', () => {
    expect(rawResponseName(info)).toBe(NAME);
    expect(rawResponseName(info, 2)).toBe('peabody-ma-usa/2023-01-01_2023-08-30/2023-09-23T10-00-00.123Z~2.json');
    expect([rawResponseName(info, 1), rawResponseName(info)].sort()).toEqual([rawResponseName(info), rawResponseName(info, 1)]);
  });
});

describe('parseRawResponseName', () => {
  it('reads back what rawResponseName wrote', () => {
    expect(parseRawResponseName(NAME)).toEqual({ cityId: 'peabody-ma-usa', start: '2023-01-01', end: '2023-08-30', fetchedAt: info.fetchedAt, copy: 0 });
    expect(parseRawResponseName(rawResponseName({ ...info, cityId: 'São Paulo 100%' }, 12))).toMatchObject({ cityId: 'São Paulo 100%', copy: 12 });
  });

  it('reads copy numbers of one to three digits', () => {
    expect(parseRawResponseName(rawResponseName(info, 1))).toMatchObject({ copy: 1 });
    expect(parseRawResponseName(rawResponseName(info, 999))).toMatchObject({ copy: 999 });
    expect(parseRawResponseName(rawResponseName(info, 1_000))).toBeUndefined();
  });

  it.each([
    ['the old per-day layout', 'peabody-ma-usa/2023/2023-01-01.json'],
    ['no window', 'peabody-ma-usa/2023-09-23T10-00-00.123Z.json'],
    ['a colon in the instant', 'peabody-ma-usa/2023-01-01_2023-08-30/2023-09-23T10:00:00.123Z.json'],
    ['a copy numbered 0', 'peabody-ma-usa/2023-01-01_2023-08-30/2023-09-23T10-00-00.123Z~0.json'],
    ['another extension', 'peabody-ma-usa/2023-01-01_2023-08-30/2023-09-23T10-00-00.123Z.json.gz'],
  ])('returns undefined for %s', (_label, name) => {
    expect(parseRawResponseName(name)).toBeUndefined();
  });
});

describe('rawResponseMetadata', () => {
  it('is ASCII only and reads back to the same info, non-ASCII and reserved characters included', () => {
    const odd = { ...info, cityId: 'münchen-by-de', city: '  München, Bayern  ✓ 100% "quoted" ', runId: 'run/ä', lat: -0.000001, lng: 179.99999999999997 };
    const metadata = rawResponseMetadata(odd);
    for (const [key, value] of Object.entries(metadata)) {
      expect(key).toMatch(/^[a-z]+$/);
      expect(value, key).toMatch(/^[\x21-\x7e]*$/); // printable, and no edge spaces for HTTP to trim
    }
    expect(readRawResponseInfo(rawResponseName(odd), metadata)).toEqual({ ok: true, info: odd });
  });
});

describe('readRawResponseInfo', () => {
  const metadata = rawResponseMetadata(info);

  it('accepts metadata keys in any case', () => {
    const upper = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toUpperCase(), v]));
    expect(readRawResponseInfo(NAME, upper)).toEqual({ ok: true, info });
  });

  it.each<[string, string, Record<string, string | undefined>, RegExp]>([
    ['a name that is not a response name', 'peabody-ma-usa/2023/2023-01-01.json', {}, /^name is not/],
    ['no metadata at all', NAME, Object.fromEntries(Object.keys(metadata).map((k) => [k, undefined])), /schema must be 1/],
    ['another schema', NAME, { schema: '2' }, /schema must be 1, got "2"/],
    ['a city id other than the name’s', NAME, { cityid: 'salem-ma-usa' }, /cityid/],
    ['a malformed percent-encoding', NAME, { city: '%E0%A4%A' }, /city must be/],
    ['an empty city', NAME, { city: '' }, /city must be/],
    ['a latitude out of range', NAME, { lat: '90.5' }, /lat\/lng/],
    ['a longitude that is not a number', NAME, { lng: '' }, /lat\/lng/],
    ['a window other than the name’s', NAME, { windowend: '2023-08-31' }, /windowstart\/windowend/],
    ['a fetch time other than the name’s', NAME, { fetchedat: '2023-09-23T10:00:00.124Z' }, /fetchedat/],
    ['no run id', NAME, { runid: undefined }, /runid and model/],
  ])('reports %s with a reason', (_label, name, change, reason) => {
    const changed = Object.fromEntries(Object.entries({ ...metadata, ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    expect(readRawResponseInfo(name, changed)).toEqual({ ok: false, reason: expect.stringMatching(reason) as string });
  });
});

describe('readRawResponseInfo at its limits', () => {
  const metadata = rawResponseMetadata(info);
  const read = (change: Record<string, string>, name = NAME) => readRawResponseInfo(name, { ...metadata, ...change });

  it('accepts coordinates at ±90/±180, a single-day window and a 200-character city', () => {
    expect(read({ lat: '90', lng: '-180' })).toMatchObject({ ok: true, info: { lat: 90, lng: -180 } });
    const oneDay = rawResponseName({ ...info, start: '2023-05-05', end: '2023-05-05' });
    expect(read({ windowstart: '2023-05-05', windowend: '2023-05-05' }, oneDay)).toMatchObject({ ok: true, info: { start: '2023-05-05', end: '2023-05-05' } });
    expect(read({ city: 'c'.repeat(200) })).toMatchObject({ ok: true, info: { city: 'c'.repeat(200) } });
  });

  it.each<[string, Record<string, string>, string, string?]>([
    ['a blank latitude (not 0)', { lat: ' ' }, 'metadata lat/lng must be numbers in -90..90 / -180..180'],
    ['a 201-character city', { city: 'c'.repeat(201) }, 'metadata city must be a non-empty name'],
    ['a window start other than the name’s', { windowstart: '2023-01-02' }, 'metadata windowstart/windowend must be the dates in the name'],
    ['a window whose end is before its start, in name and metadata alike', { windowstart: '2023-08-30', windowend: '2023-01-01' }, 'metadata windowstart/windowend must be the dates in the name', 'peabody-ma-usa/2023-08-30_2023-01-01/2023-09-23T10-00-00.123Z.json'],
  ])('refuses %s', (_label, change, reason, name) => {
    expect(read(change, name)).toEqual({ ok: false, reason });
  });
});

describe('nameSafeInstant, exactly', () => {
  it('says what it got', () => {
    expect(() => nameSafeInstant('2023-09-23T10:00:00Z')).toThrow(new RangeError('fetchedAt must be an instant as toISOString writes it, got "2023-09-23T10:00:00Z"'));
  });
});

import { describe, expect, it } from 'vitest';
import { describeValue, parseCityLine, parseCityRecord } from '../../../../functions/core/city/parseCityLine.ts';

describe('parseCityLine', () => {
  it('accepts a seed line with tabs and irregular spaces between fields', () => {
    expect(parseCityLine('{"city": "Newton, MA, USA", "lat":\t42.341042, "lng":\t\t-71.217133}', 3)).toEqual({
      ok: true,
      line: 3,
      cityId: 'newton-ma-usa',
      city: 'Newton, MA, USA',
      lat: 42.341042,
      lng: -71.217133,
    });
  });

  it('accepts an explicit id and a date range, and ignores unknown fields', () => {
    const line = '{"id":"KBOS","city":" Boston ","lat":42.36,"lng":-71.06,"start":"2024-02-01","end":"2024-02-29","pop":675647,"tags":{"a":1}}';
    expect(parseCityLine(line, 1)).toEqual({
      ok: true, line: 1, cityId: 'KBOS', city: 'Boston', lat: 42.36, lng: -71.06, start: '2024-02-01', end: '2024-02-29',
    });
  });

  it.each([
    [-90, -180],
    [90, 180],
    [0, 0],
  ])('accepts the boundary coordinates lat %d, lng %d', (lat, lng) => {
    expect(parseCityLine(JSON.stringify({ city: 'Edge', lat, lng }), 1).ok).toBe(true);
  });

  it.each([
    ['{"city":"A","lat":1,', /^not valid JSON: /],
    ['{"city":"A","lat":NaN,"lng":1}', /^not valid JSON/],
    ['[1,2]', /must be a JSON object, got an array/],
    ['"Boston"', /must be a JSON object, got "Boston"/],
    ['null', /must be a JSON object, got null/],
    ['{"lat":1,"lng":1}', /^city is missing$/],
    ['{"city":42,"lat":1,"lng":1}', /^city must be a string, got 42$/],
    ['{"city":"   ","lat":1,"lng":1}', /^city must not be empty$/],
    [JSON.stringify({ city: 'x'.repeat(201), lat: 1, lng: 1 }), /^city must be at most 200 characters, got 201$/],
    ['{"city":"A\\u0007B","lat":1,"lng":1}', /^city must not contain control characters$/],
    ['{"city":"A","lng":1}', /^lat is missing$/],
    ['{"city":"A","lat":"42.1","lng":1}', /^lat must be a number, got a string$/],
    ['{"city":"A","lat":null,"lng":1}', /^lat must be a number, got null$/],
    ['{"city":"A","lat":1e400,"lng":1}', /^lat must be a finite number$/],
    ['{"city":"A","lat":90.0001,"lng":1}', /^lat must be between -90 and 90, got 90.0001$/],
    ['{"city":"A","lat":1,"lng":-180.5}', /^lng must be between -180 and 180, got -180.5$/],
    ['{"city":"A","lat":1}', /^lng is missing$/],
    ['{"city":"A","lat":1,"lng":true}', /^lng must be a number, got true$/],
    ['{"city":"A","lat":1,"lng":1,"start":"2023-02-29","end":"2023-03-01"}', /^start must be a calendar date YYYY-MM-DD, got "2023-02-29"$/],
    ['{"city":"A","lat":1,"lng":1,"start":"2023-01-01","end":20230301}', /^end must be a calendar date YYYY-MM-DD, got 20230301$/],
    ['{"city":"A","lat":1,"lng":1,"start":"2023-01-01"}', /^start and end must be given together$/],
    ['{"city":"A","lat":1,"lng":1,"start":"2023-03-01","end":"2023-01-01"}', /^start \(2023-03-01\) is after end \(2023-01-01\)$/],
    ['{"city":"A","lat":1,"lng":1,"id":"../x"}', /^id must not contain/],
    ['{"city":"A","lat":1,"lng":1,"id":""}', /^id must not be empty$/],
    ['{"city":"A","lat":1,"lng":1,"id":7}', /^id must be a string, got number$/],
    ['{"__proto__":{"polluted":true},"city":"A","lat":1,"lng":1}', /^the key "__proto__" is not allowed$/],
    ['{"constructor":{"prototype":{"polluted":true}},"city":"A","lat":1,"lng":1}', /^the key "constructor" is not allowed$/],
    ['{"prototype":{"polluted":true},"city":"A","lat":1,"lng":1}', /^the key "prototype" is not allowed$/],
  ])('rejects %s', (text, reason) => {
    const result = parseCityLine(text, 7);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.line).toBe(7);
      expect(result.reason).toMatch(reason);
    }
  });

  it('accepts a single-day range (start equal to end)', () => {
    expect(parseCityLine('{"city":"A","lat":1,"lng":1,"start":"2024-02-29","end":"2024-02-29"}', 2)).toEqual({
      ok: true, line: 2, cityId: 'a', city: 'A', lat: 1, lng: 1, start: '2024-02-29', end: '2024-02-29',
    });
  });

  // The fields are optional (design.md, README): JSON null is how a writer says "not given", so a null id, start
  // or end is the same as leaving it out, never a value; required fields (city, lat, lng) stay required.
  it('treats "id": null as no id and derives the slug', () => {
    expect(parseCityLine('{"id":null,"city":"Salem, MA","lat":1,"lng":1}', 1)).toEqual({ ok: true, line: 1, cityId: 'salem-ma', city: 'Salem, MA', lat: 1, lng: 1 });
  });

  it.each([
    ['{"city":"A","lat":1,"lng":1,"start":null,"end":null}'],
    ['{"city":"A","lat":1,"lng":1,"start":null}'],
    ['{"city":"A","lat":1,"lng":1,"end":null}'],
  ])('treats a null start or end as not given: %s has no range of its own', (text) => {
    expect(parseCityLine(text, 1)).toEqual({ ok: true, line: 1, cityId: 'a', city: 'A', lat: 1, lng: 1 });
  });

  it.each([
    ['{"city":"A","lat":1,"lng":1,"start":null,"end":"2023-01-31"}'],
    ['{"city":"A","lat":1,"lng":1,"start":"2023-01-01","end":null}'],
    ['{"city":"A","lat":1,"lng":1,"end":"2023-01-31"}'],
  ])('rejects a range with only one end given (null counts as not given): %s', (text) => {
    expect(parseCityLine(text, 3)).toEqual({ ok: false, line: 3, reason: 'start and end must be given together' });
  });

  it('names the field of a bad end when the start is good, and of a bad start before the end', () => {
    expect(parseCityLine('{"city":"A","lat":1,"lng":1,"start":"2023-01-01","end":"2023-1-31"}', 1)).toMatchObject({ reason: 'end must be a calendar date YYYY-MM-DD, got "2023-1-31"' });
    expect(parseCityLine('{"city":"A","lat":1,"lng":1,"start":"x","end":"y"}', 1)).toMatchObject({ reason: 'start must be a calendar date YYYY-MM-DD, got "x"' });
  });

  it('leaves Object.prototype untouched when a line carries __proto__', () => {
    parseCityLine('{"__proto__":{"polluted":"yes"},"city":"A","lat":1,"lng":1}', 1);
    parseCityLine('{"city":"A","lat":1,"lng":1,"x":{"__proto__":{"polluted":"yes"}}}', 2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not echo a 200 KB name into the reason', () => {
    const result = parseCityLine(JSON.stringify({ city: 42, lat: 'x'.repeat(200_000), lng: 1 }), 1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(200);
  });
});

describe('parseCityRecord', () => {
  it('validates an already parsed value (an array element)', () => {
    expect(parseCityRecord({ city: 'A', lat: 1, lng: 2 }, 4)).toMatchObject({ ok: true, line: 4, cityId: 'a' });
    expect(parseCityRecord(undefined, 5)).toEqual({ ok: false, line: 5, reason: 'a city line must be a JSON object, got undefined' });
  });
});

describe('describeValue', () => {
  it.each([
    ['x'.repeat(41), 'a string of 41 characters'],
    ['ok', '"ok"'],
    [{}, 'an object'],
    [[], 'an array'],
    [null, 'null'],
    [1.5, '1.5'],
  ])('describes %j as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe('parseCityLine at its limits', () => {
  it('accepts a name of exactly 200 characters (after trimming)', () => {
    const name = 'n'.repeat(200);
    expect(parseCityLine(JSON.stringify({ city: ` ${name} `, lat: 1, lng: 1 }), 1)).toMatchObject({ ok: true, city: name });
  });

  it('quotes a bad string of exactly 40 characters and only summarises a longer one', () => {
    expect(describeValue('s'.repeat(40))).toBe(`"${'s'.repeat(40)}"`);
    expect(parseCityLine(JSON.stringify({ city: 'A', lat: 1, lng: 1, start: 's'.repeat(40), end: '2023-01-01' }), 1)).toMatchObject({
      reason: `start must be a calendar date YYYY-MM-DD, got "${'s'.repeat(40)}"`,
    });
  });

  it("gives the parser's own message for a line that is not JSON, whole (it is short)", () => {
    expect(parseCityLine('{"city": x}', 6)).toEqual({ ok: false, line: 6, reason: `not valid JSON: Unexpected token 'x', "{"city": x}" is not valid JSON` });
  });
});


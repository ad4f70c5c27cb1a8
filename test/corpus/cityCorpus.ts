// The bad city files: each case is the exact bytes of a file and what ingest must make of it — the lines it
// accepts (by city id) and the line numbers it rejects with the reason. Large cases are generated, not stored.
const enc = (text: string) => Buffer.from(text, 'utf8');
const line = (city: unknown, lat: unknown, lng: unknown, extra = '') => `{"city": ${JSON.stringify(city)}, "lat": ${String(lat)}, "lng": ${String(lng)}${extra}}`;

export interface CityCase {
  name: string;
  bytes: Buffer;
  /** Distinct city ids accepted (one registered city each). */
  accepted: string[];
  rejected: [line: number, reason: RegExp][];
  /** Lines that are not errors but get a notice (a city repeated), by number. */
  notices?: [line: number, notice: RegExp][];
  /** When given, exactly these fetch jobs (`cityId start..end`), in any order. */
  jobs?: string[];
}

export const cityCases: CityCase[] = [
  {
    name: 'BOM, CRLF line ends and blank lines',
    bytes: enc(`\uFEFF${line('Alpha', 1, 2)}\r\n\r\n   \r\n${line('Beta', 3, 4)}\r\n\t\r\n${line('Gamma', 5, 6)}`),
    accepted: ['alpha', 'beta', 'gamma'],
    rejected: [],
  },
  {
    name: 'a file cut off in the middle of its last line',
    bytes: enc(`${line('Alpha', 1, 2)}\n${line('Beta', 3, 4)}\n{"city": "Gam`),
    accepted: ['alpha', 'beta'],
    rejected: [[3, /^not valid JSON/]],
  },
  {
    name: 'wrong types',
    bytes: enc([
      line('Alpha', '"1"', 2), line('Beta', 1, 'null'), line(42, 1, 2), line('Delta', '[1]', 2), line('Echo', '{"v": 1}', 2),
      line('Fox', 'true', 2), '[1, 2]', '"just a string"', 'null', '42', line('Good', 1, 2),
    ].join('\n')),
    accepted: ['good'],
    rejected: [
      [1, /^lat must be a number, got a string$/], [2, /^lng must be a number/], [3, /^city must be a string/], [4, /^lat must be a number/],
      [5, /^lat must be a number/], [6, /^lat must be a number/], [7, /must be a JSON object, got an array/], [8, /must be a JSON object/], [9, /must be a JSON object, got null/], [10, /must be a JSON object, got 42/],
    ],
  },
  {
    name: 'NaN, Infinity and numbers that overflow',
    bytes: enc([line('A', 'NaN', 1), line('B', 1, 'Infinity'), line('C', '1e999', 1), line('D', 1, '-1e400'), line('E', '0x10', 1), line('Ok', '1e1', '-1E1')].join('\n')),
    accepted: ['ok'],
    rejected: [[1, /^not valid JSON/], [2, /^not valid JSON/], [3, /^lat must be/], [4, /^lng must be/], [5, /^not valid JSON/]],
  },
  {
    name: 'coordinates out of range, and the exact bounds',
    bytes: enc([line('N', 90.000001, 0), line('S', -91, 0), line('E', 0, 180.5), line('W', 0, -181), line('Pole', 90, 180), line('Other pole', -90, -180)].join('\n')),
    accepted: ['pole', 'other-pole'],
    rejected: [[1, /^lat must be between -90 and 90/], [2, /^lat must be between -90 and 90/], [3, /^lng must be between -180 and 180/], [4, /^lng must be between -180 and 180/]],
  },
  {
    name: 'empty, blank and 200 KB names',
    bytes: enc([line('', 1, 1), line('   ', 1, 1), line('x'.repeat(200_000), 1, 1), line('After the long one', 1, 1)].join('\n')),
    accepted: ['after-the-long-one'],
    rejected: [[1, /^city must not be empty/], [2, /^city must not be empty/], [3, /^the line is longer than 65536 bytes/]],
  },
  {
    // A nested object is ignored, never merged, so a key inside it cannot reach a prototype: that line is accepted.
    name: 'prototype keys at the top and nested',
    bytes: enc([
      '{"__proto__": {"polluted": true}, "city": "P1", "lat": 1, "lng": 1}',
      '{"city": "P2", "lat": 1, "lng": 1, "constructor": {"prototype": {"polluted": true}}}',
      '{"city": "P3", "lat": 1, "lng": 1, "meta": {"__proto__": {"polluted": true}}}',
      '{"city": "P4", "lat": 1, "lng": 1, "prototype": 1}',
      line('Clean', 1, 1),
    ].join('\n')),
    accepted: ['p3', 'clean'],
    rejected: [[1, /"__proto__" is not allowed/], [2, /"constructor" is not allowed/], [4, /"prototype" is not allowed/]],
  },
  {
    name: 'path-like names and ids',
    bytes: enc([
      line('../../etc/passwd', 1, 1), line('a/b\\c', 1, 1), line('%2e%2e%2fsecret', 1, 1), line('nul\u0000byte', 1, 1),
      line('Ok', 1, 1, ', "id": "../up"'), line('Ok', 1, 1, ', "id": "a/b"'), line('Ok', 1, 1, ', "id": "tab\\there"'),
    ].join('\n')),
    accepted: ['etc-passwd', 'a-b-c', '2e-2e-2fsecret'],
    rejected: [[4, /control characters/], [5, /^id must not contain/], [6, /^id must not contain/], [7, /^id must not contain/]],
  },
  {
    name: 'duplicates: the same place again is one city, other coordinates are refused',
    bytes: enc([line('Twin', 1, 1), line('Twin', 1, 1), line('twin', 1.5, 1), line('TWIN', 1, 1)].join('\n')),
    accepted: ['twin'],
    rejected: [[3, /^city id "twin" already has other coordinates on line 1/]],
    notices: [[2, /^city id "twin" is already on line 1, 2023-01-01\.\.2023-08-30 included: nothing more to fetch, counted once$/], [4, /already on line 1/]],
    jobs: ['twin 2023-01-01..2023-08-30'],
  },
  {
    name: 'an exact duplicate of the first line as the last line',
    bytes: enc([line('Alpha', 1, 2), line('Beta', 3, 4), line('Gamma', 5, 6), line('Alpha', 1, 2)].join('\n')),
    accepted: ['alpha', 'beta', 'gamma'],
    rejected: [],
    notices: [[4, /^city id "alpha" is already on line 1/]],
    jobs: ['alpha 2023-01-01..2023-08-30', 'beta 2023-01-01..2023-08-30', 'gamma 2023-01-01..2023-08-30'],
  },
  {
    name: 'one id on several lines: the same range, overlapping, adjacent and disjoint ranges merge per city',
    bytes: enc([
      line('Same', 1, 1, ', "id": "same", "start": "2023-02-01", "end": "2023-02-10"'),
      line('Same again', 1, 1, ', "id": "same", "start": "2023-02-01", "end": "2023-02-10"'),
      line('Over', 2, 2, ', "start": "2023-03-01", "end": "2023-03-20"'),
      line('Over', 2, 2, ', "start": "2023-03-10", "end": "2023-03-31"'),
      line('Over', 2, 2, ', "start": "2023-03-05", "end": "2023-03-06"'),
      line('Next', 3, 3, ', "start": "2023-04-01", "end": "2023-04-10"'),
      line('Next', 3, 3, ', "start": "2023-04-11", "end": "2023-04-20"'),
      line('Apart', 4, 4, ', "start": "2023-05-01", "end": "2023-05-02"'),
      line('Apart', 4, 4, ', "start": "2023-06-01", "end": "2023-06-02"'),
      line('Apart', 4, 4, ', "start": "2023-05-02", "end": "2023-06-01"'),
    ].join('\n')),
    accepted: ['same', 'over', 'next', 'apart'],
    rejected: [],
    notices: [
      [2, /already on line 1, 2023-02-01\.\.2023-02-10 included: nothing more to fetch/], [4, /already on line 3: 2023-03-10\.\.2023-03-31 merged with its range \(11 more days/],
      [5, /already on line 3, .* included/], [7, /already on line 6: .* \(10 more days/], [9, /already on line 8: .* \(2 more days/], [10, /already on line 8: .* \(29 more days/],
    ],
    jobs: ['same 2023-02-01..2023-02-10', 'over 2023-03-01..2023-03-31', 'next 2023-04-01..2023-04-20', 'apart 2023-05-01..2023-06-02'],
  },
  {
    name: 'one id on several lines with other coordinates stays refused, whatever the ranges',
    bytes: enc([line('Here', 1, 1, ', "id": "spot"'), line('There', 1, 1.5, ', "id": "spot"'), line('Here', 1, 1, ', "id": "spot", "start": "2023-01-01", "end": "2023-01-02"')].join('\n')),
    accepted: ['spot'],
    rejected: [[2, /^city id "spot" already has other coordinates on line 1/]],
    notices: [[3, /already on line 1, 2023-01-01\.\.2023-01-02 included/]],
    jobs: ['spot 2023-01-01..2023-08-30'],
  },
  {
    name: 'bytes that are not UTF-8 text at all',
    bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x0a, 0x00, 0x9c]), enc(`\n${line('Survivor', 1, 1)}\n`)]),
    accepted: ['survivor'],
    rejected: [[1, /^the line is not valid UTF-8$/], [2, /^the line is not valid UTF-8$/]],
  },
  { name: 'an empty file', bytes: Buffer.alloc(0), accepted: [], rejected: [] },
];

/** Reasons a generated bad line cycles through, so the large file exercises every rejection path at volume. */
const BAD_LINES = [
  (i: number) => `{"city": "Broken ${i}", "lat": "north", "lng": 0}`,
  (i: number) => `{"city": "Cut ${i}", "lat": 1`,
  (i: number) => `{"city": "Far ${i}", "lat": 95, "lng": 0}`,
  (i: number) => `{"__proto__": {"x": ${i}}, "city": "P", "lat": 1, "lng": 1}`,
  () => 'not json',
];

/** 100,000 lines: one good city every 10,000 lines, the rest bad in five ways. */
export function largeCityFile(lines = 100_000, goodEvery = 10_000): { bytes: Buffer; good: number } {
  const out: string[] = [];
  let good = 0;
  for (let i = 1; i <= lines; i++) {
    if (i % goodEvery === 0) {
      out.push(line(`Town ${i}`, ((i * 7) % 170) - 85, ((i * 13) % 350) - 175));
      good++;
    } else {
      out.push(BAD_LINES[i % BAD_LINES.length]!(i));
    }
  }
  return { bytes: enc(out.join('\n')), good };
}

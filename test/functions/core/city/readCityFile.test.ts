import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCityFile } from '../../../../functions/core/city/readCityFile.ts';
import type { CityLineResult } from '../../../../functions/core/city/parseCityLine.ts';

async function readAll(chunks: (string | Buffer)[], limits = {}): Promise<CityLineResult[]> {
  const results: CityLineResult[] = [];
  for await (const result of readCityFile(Readable.from(chunks, { objectMode: true }), limits)) results.push(result);
  return results;
}

const line = (city: string, lat = 1, lng = 2) => JSON.stringify({ city, lat, lng });

describe('readCityFile', () => {
  it('reads JSON lines with a BOM, CRLF, blank lines and a final line without a newline', async () => {
    const text = `\uFEFF${line('A')}\r\n\r\n   \t\n${line('B')}\r\n${line('C')}`;
    const results = await readAll([text]);
    expect(results.map((r) => (r.ok ? [r.line, r.cityId] : [r.line, r.reason]))).toEqual([
      [1, 'a'],
      [4, 'b'],
      [5, 'c'],
    ]);
  });

  it('joins lines split across chunks, including a multi-byte character split between chunks', async () => {
    const bytes = Buffer.from(`${line('São Paulo')}\n${line('Zürich')}\n`, 'utf8');
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
    const results = await readAll(chunks);
    expect(results.map((r) => r.ok && r.city)).toEqual(['São Paulo', 'Zürich']);
  });

  it('rejects a line over the cap with its number without holding it, and reads on', async () => {
    const huge = JSON.stringify({ city: 'x'.repeat(200_000), lat: 1, lng: 1 });
    const results = await readAll([`${line('A')}\n`, huge.slice(0, 100_000), huge.slice(100_000), `\n${line('B')}\n`]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, line: 1, cityId: 'a' }),
      { ok: false, line: 2, reason: `the line is longer than 65536 bytes (${huge.length} bytes)` },
      expect.objectContaining({ ok: true, line: 3, cityId: 'b' }),
    ]);
  });

  it('rejects an over-long final line without a newline', async () => {
    const results = await readAll([line('A'), '\n', 'y'.repeat(70_000)]);
    expect(results[1]).toEqual({ ok: false, line: 2, reason: 'the line is longer than 65536 bytes (70000 bytes)' });
  });

  it('rejects a line that is not valid UTF-8', async () => {
    const results = await readAll([Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), `${line('A')}\n`]);
    expect(results).toEqual([
      { ok: false, line: 1, reason: 'the line is not valid UTF-8' },
      expect.objectContaining({ ok: true, line: 2 }),
    ]);
  });

  it('accepts the same id twice with the same coordinates and rejects other coordinates naming the earlier line', async () => {
    const text = [line('A', 10, 20), line('A', 10 + 5e-7, 20), line('B'), line('A', 10.1, 20)].join('\n');
    const results = await readAll([text]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({
      ok: false,
      line: 4,
      reason: 'city id "a" already has other coordinates on line 1 (lat 10, lng 20); give one of them a distinct id',
    });
  });

  it('reads a file that is one JSON array, numbering elements from 1', async () => {
    const text = `\uFEFF \n[${line('A')},\n {"city":"B","lat":"x","lng":1},\n${line('C')}]`;
    const results = await readAll([text.slice(0, 5), text.slice(5)]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true, line: 1, cityId: 'a' }),
      { ok: false, line: 2, reason: 'lat must be a number, got a string' },
      expect.objectContaining({ ok: true, line: 3, cityId: 'c' }),
    ]);
  });

  it('rejects a JSON array file over the size cap with advice to use JSON lines', async () => {
    const text = `[${Array.from({ length: 100 }, () => line('A')).join(',')}]`;
    const results = await readAll([text], { maxArrayBytes: 1000 });
    expect(results).toEqual([{ ok: false, line: 1, reason: expect.stringMatching(/larger than 1000 bytes; write it as JSON lines/) }]);
  });

  it('rejects a truncated JSON array file as a whole', async () => {
    const results = await readAll([`[${line('A')},`]);
    expect(results).toEqual([{ ok: false, line: 1, reason: expect.stringMatching(/^the file starts with "\[" but is not a valid JSON array/) }]);
  });

  it('yields nothing for an empty or blank file', async () => {
    expect(await readAll([])).toEqual([]);
    expect(await readAll(['\uFEFF\r\n\n  '])).toEqual([]);
  });

  it('stops reading the source when the consumer stops early', async () => {
    const source = Readable.from([`${line('A')}\n${line('B')}\n`], { objectMode: true });
    for await (const _ of readCityFile(source)) break;
    expect(source.destroyed).toBe(true);
  });

  it('accepts a JSON array file of exactly the size cap', async () => {
    const text = `[${line('A')}]`;
    const results = await readAll([text], { maxArrayBytes: Buffer.byteLength(text) });
    expect(results).toEqual([expect.objectContaining({ ok: true, line: 1, cityId: 'a', city: 'A' })]);
  });

  it('rejects a JSON array file that is not valid UTF-8 as a whole, at line 1', async () => {
    const results = await readAll([Buffer.from('[{"city": "'), Buffer.from([0xc3, 0x28]), Buffer.from('", "lat": 1, "lng": 2}]')]);
    expect(results).toEqual([{ ok: false, line: 1, reason: 'the file is not valid UTF-8' }]);
  });

  it('peeks at the source only until its first significant byte, then streams', async () => {
    let pulled = 0;
    const source = (async function* () {
      for (let i = 0; i < 100; i++) {
        pulled += 1;
        yield i === 0 ? '  ' : `${line(`C${i}`, i % 90, 0)}\n`;
      }
    })();
    for await (const result of readCityFile(source, { maxLineBytes: 10_000 })) {
      expect(result).toMatchObject({ ok: true, city: 'C1' });
      break;
    }
    // The blank first chunk, the first line (which decides the format and is the first result), no more.
    expect(pulled).toBe(2);
  });
});


// The scanner finds value boundaries from the AMQP 1.0 type system's constructors and size fields (spec part 1,
// section 1.6). Values are encoded by rhea's own writer wherever it can write them, so the scanner is checked against
// an independent encoder rather than against bytes written to suit it.
import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError, binaryAt, mapPairs, scanSections, skipValue, stringAt } from '../../../local/eventhubs/amqpScan.ts';
import { caught } from './helpers.ts';

interface Writer { write(value: unknown): void; toBuffer(): Buffer }
const types = rhea.types as unknown as Record<string, (...args: unknown[]) => unknown> & { Writer: new () => Writer };

/** A plain value is typed the way rhea types it when sending (`types.wrap`); a typed one is written as it is. */
function encoded(value: unknown): Buffer {
  const writer = new types.Writer();
  const typed = typeof value === 'object' && value !== null && 'type' in value;
  writer.write(typed ? value : types.wrap?.(value));
  return writer.toBuffer();
}

const str8 = (text: string) => Buffer.concat([Buffer.from([0xa1, Buffer.byteLength(text)]), Buffer.from(text)]);
const sym8 = (text: string) => Buffer.concat([Buffer.from([0xa3, text.length]), Buffer.from(text, 'latin1')]);
const sym32 = (text: string) => Buffer.concat([Buffer.from([0xb3, 0, 0, 0, text.length]), Buffer.from(text, 'latin1')]);
const vbin8 = (bytes: Buffer) => Buffer.concat([Buffer.from([0xa0, bytes.length]), bytes]);
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

describe('skipValue', () => {
  it.each([
    ['null (0x40)', () => null, 1],
    ['true (0x41)', () => types.wrap_boolean?.(true), 1],
    ['ubyte (0x50, one byte)', () => types.wrap_ubyte?.(200), 2],
    ['ushort (0x60, two bytes)', () => types.wrap_ushort?.(40_000), 3],
    ['short (0x61, two bytes)', () => types.wrap_short?.(-300), 3],
    ['uint (0x70, four bytes)', () => types.wrap_uint?.(70_000), 5],
    ['int (0x71, four bytes)', () => types.wrap_int?.(-70_000), 5],
    ['float (0x72, four bytes)', () => types.wrap_float?.(1.5), 5],
    ['long (0x81, eight bytes)', () => types.wrap_long?.(2 ** 40), 9],
    ['timestamp (0x83, eight bytes)', () => types.wrap_timestamp?.(Date.UTC(2026, 0, 1)), 9],
    ['double (0x82, eight bytes)', () => types.wrap_double?.(0.1), 9],
    ['uuid (0x98, sixteen bytes)', () => types.wrap_uuid?.(Buffer.alloc(16, 0xab)), 17],
    ['str8 (0xa1, one-byte size)', () => 'temperature', 2 + 11],
    ['str32 (0xb1, four-byte size)', () => 'é'.repeat(200), 5 + 400],
    ['vbin32 (0xb0)', () => Buffer.alloc(300, 1), 5 + 300],
  ])('steps over %s by its width or size field', (_name, value, width) => {
    const bytes = Buffer.concat([encoded(value()), Buffer.from([0x40, 0x40])]);
    expect(skipValue(bytes, 0)).toBe(width);
    expect(skipValue(Buffer.concat([Buffer.from([0x40]), bytes]), 1)).toBe(1 + width);
  });

  it('steps over a decimal128 (0x94) and a decimal32 (0x74) by their fixed widths', () => {
    expect(skipValue(Buffer.concat([Buffer.from([0x94]), Buffer.alloc(16), Buffer.from([0x40])]), 0)).toBe(17);
    expect(skipValue(Buffer.concat([Buffer.from([0x74]), Buffer.alloc(4), Buffer.from([0x40])]), 0)).toBe(5);
  });

  it('steps over a described value: its descriptor, then its value', () => {
    const described = Buffer.concat([Buffer.from([0x00, 0x53, 0x75]), vbin8(Buffer.from('abc'))]);
    expect(skipValue(Buffer.concat([described, Buffer.from([0x40])]), 0)).toBe(described.length);
    const nested = Buffer.concat([Buffer.from([0x45]), Buffer.from([0x00]), sym8('x:y'), described]);
    expect(skipValue(nested, 1)).toBe(nested.length);
  });

  it('steps over lists and maps by their size fields without looking inside', () => {
    const list = encoded(types.wrap_list?.([1, 'two', Buffer.from('3')]));
    expect(skipValue(Buffer.concat([list, Buffer.from([0x40])]), 0)).toBe(list.length);
    const map = Buffer.concat([Buffer.from([0xd1]), u32(4 + 2), u32(2), Buffer.from([0x40, 0x40])]);
    expect(skipValue(map, 0)).toBe(map.length);
  });

  it('throws a MalformedMessageError naming the end when a value runs past the buffer', () => {
    for (const cut of [Buffer.alloc(0), Buffer.from([0x60, 0x01]), Buffer.from([0xa1]), Buffer.from([0xa1, 0x05, 0x61]), Buffer.from([0xb0, 0, 0])]) {
      const error = caught(() => skipValue(cut, 0));
      expect(error, cut.toString('hex')).toBeInstanceOf(MalformedMessageError);
      expect(error.name).toBe('MalformedMessageError');
      expect(error.message).toMatch(/^cannot decode message: value runs past the end \(\d+ > \d+\)$/);
    }
  });

  it('throws a MalformedMessageError naming an unknown type code and where it is', () => {
    const error = caught(() => skipValue(Buffer.from([0x40, 0x4f]), 1));
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect(error.message).toBe('cannot decode message: unknown type code 0x4f at 1');
  });
});

describe('scanSections', () => {
  it('reads section descriptors written as small ulongs, ulong0, full ulongs, sym8 and sym32', () => {
    const body = vbin8(Buffer.from('x'));
    const payload = Buffer.concat([
      Buffer.from([0x00, 0x53, 0x70]), Buffer.from([0x45]),
      Buffer.from([0x00, 0x44]), Buffer.from([0x40]),
      Buffer.from([0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x74]), Buffer.from([0xc1, 0x01, 0x00]),
      Buffer.from([0x00]), sym8('amqp:data:binary'), body,
      Buffer.from([0x00]), sym32('amqp:footer:map'), Buffer.from([0x40]),
    ]);
    expect(scanSections(payload).map((s) => s.code)).toEqual([0x70, 0, 0x74, 0x75, 0x78]);
  });

  it('reads a full ulong descriptor with its high word (Microsoft descriptors such as 0x468C00000004)', () => {
    const payload = Buffer.concat([Buffer.from([0x00, 0x80, 0x00, 0x00, 0x46, 0x8c, 0x00, 0x00, 0x00, 0x04]), str8('filter')]);
    expect(scanSections(payload)).toEqual([{ code: 0x468c_0000_0004, start: 0, valueStart: 10, end: payload.length }]);
  });

  it('gives no section code for a descriptor that is a string rather than a symbol or ulong', () => {
    for (const text of ['amqp:data:binary', 'abcamqp:data:binary']) {
      const payload = Buffer.concat([Buffer.from([0x00]), str8(text), vbin8(Buffer.from('x'))]);
      expect(scanSections(payload)[0]?.code, text).toBeUndefined();
    }
  });

  it('reports where each section, its value and its end are', () => {
    const payload = Buffer.concat([Buffer.from([0x00, 0x53, 0x75]), vbin8(Buffer.from('abc')), Buffer.from([0x00, 0x53, 0x77, 0x40])]);
    expect(scanSections(payload)).toEqual([
      { code: 0x75, start: 0, valueStart: 3, end: 8 },
      { code: 0x77, start: 8, valueStart: 11, end: 12 },
    ]);
  });

  it('keeps a value that is not described as a section without a code, spanning just that value', () => {
    const payload = Buffer.concat([str8('abc'), Buffer.from([0x00, 0x53, 0x77, 0x40])]);
    expect(scanSections(payload)).toEqual([
      { code: undefined, start: 0, valueStart: 0, end: 5 },
      { code: 0x77, start: 5, valueStart: 8, end: 9 },
    ]);
  });

  it('finds the sections of a message rhea encodes, in order', () => {
    const raw = rhea.message.encode({
      durable: true,
      message_annotations: { a: 1 },
      message_id: 'm',
      application_properties: { b: 2 },
      body: rhea.message.data_section(Buffer.from('{}')),
    });
    const sections = scanSections(raw);
    expect(sections.map((s) => s.code)).toEqual([0x70, 0x72, 0x73, 0x74, 0x75]);
    expect(sections.at(-1)?.end).toBe(raw.length);
  });
});

describe('binaryAt', () => {
  it('returns the bytes of a vbin8 and of a vbin32, and nothing for another type', () => {
    const small = vbin8(Buffer.from('abc'));
    expect(binaryAt(small, 0, small.length)).toEqual(Buffer.from('abc'));
    const large = encoded(Buffer.alloc(300, 9));
    expect(large[0]).toBe(0xb0);
    expect(binaryAt(large, 0, large.length)).toEqual(Buffer.alloc(300, 9));
    const text = str8('abc');
    expect(binaryAt(text, 0, text.length)).toBeUndefined();
  });
});

describe('stringAt', () => {
  it('reads str8, str32 (UTF-8), sym8 and sym32 (ASCII) values', () => {
    const long = 'ü'.repeat(150);
    const values: Array<[Buffer, string]> = [
      [str8('grüße'), 'grüße'],
      [encoded(long), long],
      [sym8('x-opt-offset'), 'x-opt-offset'],
      [sym32('x-opt-partition-key'), 'x-opt-partition-key'],
    ];
    expect(values[1]?.[0][0]).toBe(0xb1);
    for (const [bytes, text] of values) expect(stringAt(bytes, 0, bytes.length)).toBe(text);
  });

  it('gives undefined for values that are not strings or symbols', () => {
    for (const value of [vbin8(Buffer.from('abc')), encoded(types.wrap_int?.(5)), Buffer.from([0x40])]) {
      expect(stringAt(value, 0, value.length), value.toString('hex')).toBeUndefined();
    }
  });
});

describe('mapPairs', () => {
  it('reads each pair of a map8 and of a map32, keys as strings, with where each pair is', () => {
    const entries = Buffer.concat([sym8('k'), str8('v'), sym8('n'), Buffer.from([0x54, 0x07])]);
    for (const head of [Buffer.from([0xc1, entries.length + 1, 4]), Buffer.concat([Buffer.from([0xd1]), u32(entries.length + 4), u32(4)])]) {
      const map = Buffer.concat([Buffer.from([0x40]), head, entries]);
      const at = 1 + head.length;
      expect(mapPairs(map, 1), head.toString('hex')).toEqual([
        { key: 'k', start: at, valueStart: at + 3, end: at + 6 },
        { key: 'n', start: at + 6, valueStart: at + 9, end: at + 11 },
      ]);
    }
  });

  it('reads the pairs of a map rhea encodes, keys that are not strings included', () => {
    const map = encoded(types.wrap_map?.({ 'x-opt-partition-key': 'city-1', custom: 5 }));
    expect(mapPairs(map, 0).map((p) => [p.key, stringAt(map, p.valueStart, p.end)])).toEqual([
      ['x-opt-partition-key', 'city-1'],
      ['custom', undefined],
    ]);
    const intKey = Buffer.from([0xc1, 0x04, 0x02, 0x54, 0x01, 0x40, 0x40]);
    expect(mapPairs(intKey, 0)).toEqual([{ key: undefined, start: 3, valueStart: 5, end: 6 }]);
  });

  it('reads a null as an empty map', () => {
    expect(mapPairs(Buffer.from([0x40]), 0)).toEqual([]);
  });

  it('refuses a value that is not a map, naming its type code', () => {
    for (const [value, code] of [[str8('x'), 'a1'], [Buffer.from([0x45]), '45'], [Buffer.alloc(0), '0']] as const) {
      const error = caught(() => mapPairs(value, 0));
      expect(error).toBeInstanceOf(MalformedMessageError);
      expect(error.message).toBe(`message annotations are not a map (0x${code})`);
    }
  });

  it('refuses a map whose entries run past its own size', () => {
    // Size 5 covers the count and one pair, but the count says two pairs; a second pair follows in the buffer.
    const map = Buffer.concat([Buffer.from([0xc1, 0x05, 0x04]), sym8('k'), Buffer.from([0x40]), sym8('m'), Buffer.from([0x40])]);
    const error = caught(() => mapPairs(map, 0));
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect(error.message).toBe('cannot decode message: map entries run past the map');
  });
});

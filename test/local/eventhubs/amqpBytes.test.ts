// The few values the emulator encodes by hand, against the AMQP 1.0 type system (spec part 1, 1.6.20-1.6.21: str8-utf8
// 0xa1 / sym8 0xa3 with a one-byte size below 256 bytes, str32-utf8 0xb1 / sym32 0xb3 with a four-byte size from
// there on) and decoded by rhea's reader as an independent check.
import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import { SECTION, encodeString, encodeSymbol, sectionCode } from '../../../local/eventhubs/amqpBytes.ts';

interface Typed { type: { name: string }; value: unknown }
const Reader = (rhea.types as unknown as { Reader: new (buffer: Buffer) => { read(): Typed } }).Reader;
const decoded = (bytes: Buffer) => {
  const value = new Reader(bytes).read();
  return { type: value.type.name, value: String(value.value) };
};

describe('encodeString', () => {
  it('writes a short string as str8-utf8: 0xa1, the byte count, the UTF-8 bytes', () => {
    expect(encodeString('abc').toString('hex')).toBe('a103616263');
    expect(encodeString('ü')).toEqual(Buffer.from([0xa1, 0x02, 0xc3, 0xbc]));
  });

  it('switches to str32-utf8 at 256 bytes, counting bytes rather than characters', () => {
    const fits = 'a'.repeat(255);
    expect(encodeString(fits).subarray(0, 2)).toEqual(Buffer.from([0xa1, 0xff]));
    expect(encodeString(fits).length).toBe(2 + 255);
    for (const text of ['a'.repeat(256), 'ü'.repeat(128), 'x'.repeat(70_000)]) {
      const bytes = encodeString(text);
      expect(bytes[0]).toBe(0xb1);
      expect(bytes.readUInt32BE(1)).toBe(Buffer.byteLength(text));
      expect(bytes.length).toBe(5 + Buffer.byteLength(text));
      expect(decoded(bytes)).toEqual({ type: 'Str32', value: text });
    }
    expect(decoded(encodeString(fits))).toEqual({ type: 'Str8', value: fits });
  });
});

describe('encodeSymbol', () => {
  it('writes a short symbol as sym8: 0xa3, the length, the ASCII bytes', () => {
    expect(encodeSymbol('x-opt-offset')).toEqual(Buffer.concat([Buffer.from([0xa3, 12]), Buffer.from('x-opt-offset')]));
  });

  it('switches to sym32 at 256 bytes', () => {
    expect(encodeSymbol('s'.repeat(255)).subarray(0, 2)).toEqual(Buffer.from([0xa3, 0xff]));
    const long = 's'.repeat(300);
    const bytes = encodeSymbol(long);
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0xb3, 0x00, 0x00, 0x01, 0x2c]));
    expect(bytes.length).toBe(305);
    expect(decoded(bytes)).toEqual({ type: 'Sym32', value: long });
  });
});

describe('sectionCode', () => {
  it('gives a numeric descriptor as it is and a section\'s symbolic descriptor as its code', () => {
    expect(sectionCode(0x75)).toBe(SECTION.data);
    expect(sectionCode('amqp:header:list')).toBe(0x70);
    expect(sectionCode('amqp:delivery-annotations:map')).toBe(0x71);
    expect(sectionCode('amqp:message-annotations:map')).toBe(0x72);
    expect(sectionCode('amqp:properties:list')).toBe(0x73);
    expect(sectionCode('amqp:application-properties:map')).toBe(0x74);
    expect(sectionCode('amqp:data:binary')).toBe(0x75);
    expect(sectionCode('amqp:amqp-sequence:list')).toBe(0x76);
    expect(sectionCode('amqp:amqp-value:*')).toBe(0x77);
    expect(sectionCode('amqp:footer:map')).toBe(0x78);
  });

  it('gives no code for another symbol or a descriptor that is neither a number nor a string', () => {
    for (const descriptor of ['amqp:data', 'com.microsoft:epoch', undefined, null, 117n, Buffer.from([0x75])]) {
      expect(sectionCode(descriptor), String(descriptor)).toBeUndefined();
    }
  });
});

// Walks encoded AMQP values by their constructors and size fields without decoding them. The emulator only needs to
// know where each section of a message starts and ends (and to read a few annotations), and every section is passed
// on byte for byte, so this replaces a full decode (objects for every property, map and data section) on the hot path.
import { sectionCode } from './amqpBytes.ts';

export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

export interface ScannedSection {
  /** The section's numeric code (0x70–0x78), or undefined for a descriptor that is not a section. */
  code: number | undefined;
  /** Where the section (its 0x00 descriptor constructor) starts. */
  start: number;
  /** Where its value's constructor starts. */
  valueStart: number;
  end: number;
}

function need(buffer: Buffer, end: number): number {
  if (end > buffer.length) throw new MalformedMessageError(`cannot decode message: value runs past the end (${end} > ${buffer.length})`);
  return end;
}

/** The position just after the value whose constructor is at `at`. */
export function skipValue(buffer: Buffer, at: number): number {
  need(buffer, at + 1);
  const code = buffer[at] as number;
  if (code === 0x00) return skipValue(buffer, skipValue(buffer, at + 1)); // described: descriptor, then value
  switch (code >> 4) {
    case 0x4: // null, booleans, zero-width integers, empty list
      if (code > 0x45) break;
      return at + 1;
    case 0x5: return need(buffer, at + 2);
    case 0x6: return need(buffer, at + 3);
    case 0x7: return need(buffer, at + 5);
    case 0x8: return need(buffer, at + 9);
    case 0x9: return need(buffer, at + 17);
    case 0xa: case 0xc: case 0xe: // one-byte size: binary/string/symbol, list/map, array
      return need(buffer, at + 2 + (buffer[need(buffer, at + 2) - 1] as number));
    case 0xb: case 0xd: case 0xf:
      return need(buffer, at + 5 + buffer.readUInt32BE(need(buffer, at + 5) - 4));
  }
  throw new MalformedMessageError(`cannot decode message: unknown type code 0x${code.toString(16)} at ${at}`);
}

/** The numeric value of a section descriptor at `at`: a small ulong, a ulong or a symbol. */
function descriptorCode(buffer: Buffer, at: number, end: number): number | undefined {
  const code = buffer[at];
  if (code === 0x53) return buffer[at + 1];
  if (code === 0x44) return 0;
  if (code === 0x80) return buffer.readUInt32BE(at + 5) + buffer.readUInt32BE(at + 1) * 2 ** 32;
  if (code === 0xa3) return sectionCode(buffer.toString('latin1', at + 2, end));
  if (code === 0xb3) return sectionCode(buffer.toString('latin1', at + 5, end));
  return undefined;
}

/** Every top-level section of an encoded message, in order. */
export function scanSections(payload: Buffer): ScannedSection[] {
  const found: ScannedSection[] = [];
  let at = 0;
  while (at < payload.length) {
    if (payload[at] !== 0x00) {
      // Not a section at all; kept (as part of what follows the annotations) rather than judged.
      const end = skipValue(payload, at);
      found.push({ code: undefined, start: at, valueStart: at, end });
      at = end;
      continue;
    }
    const valueStart = skipValue(payload, at + 1);
    const end = skipValue(payload, valueStart);
    found.push({ code: descriptorCode(payload, at + 1, valueStart), start: at, valueStart, end });
    at = end;
  }
  return found;
}

/** The bytes of a binary value (a data section's body), or undefined when the value is not binary. */
export function binaryAt(buffer: Buffer, at: number, end: number): Buffer | undefined {
  const code = buffer[at];
  if (code === 0xa0) return buffer.subarray(at + 2, end);
  if (code === 0xb0) return buffer.subarray(at + 5, end);
  return undefined;
}

/** A string or symbol value as a JS string (rhea decodes both to strings), or undefined for any other type. */
export function stringAt(buffer: Buffer, at: number, end: number): string | undefined {
  const code = buffer[at];
  if (code === 0xa1) return buffer.toString('utf8', at + 2, end);
  if (code === 0xb1) return buffer.toString('utf8', at + 5, end);
  if (code === 0xa3) return buffer.toString('latin1', at + 2, end);
  if (code === 0xb3) return buffer.toString('latin1', at + 5, end);
  return undefined;
}

/** Each key/value pair of the map whose constructor is at `at` (a null counts as an empty map). */
export function mapPairs(buffer: Buffer, at: number): Array<{ key: string | undefined; valueStart: number; start: number; end: number }> {
  const code = buffer[at];
  if (code === 0x40) return [];
  if (code !== 0xc1 && code !== 0xd1) throw new MalformedMessageError(`message annotations are not a map (0x${(code ?? 0).toString(16)})`);
  const wide = code === 0xd1;
  const count = wide ? buffer.readUInt32BE(need(buffer, at + 9) - 4) : (buffer[need(buffer, at + 3) - 1] as number);
  const mapEnd = skipValue(buffer, at);
  let position = at + (wide ? 9 : 3);
  const pairs = [];
  for (let i = 0; i < Math.floor(count / 2); i++) {
    const valueStart = skipValue(buffer, position);
    const end = skipValue(buffer, valueStart);
    if (end > mapEnd) throw new MalformedMessageError('cannot decode message: map entries run past the map');
    pairs.push({ key: stringAt(buffer, position, valueStart), valueStart, start: position, end });
    position = end;
  }
  return pairs;
}

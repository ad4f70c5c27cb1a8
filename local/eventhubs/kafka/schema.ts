// A small table-driven codec: each message is a list of fields with the versions they exist in (and are nullable
// in), as the protocol's JSON message definitions describe them. One encoder and one decoder then serve every version,
// classic and flexible (compact strings, bytes and arrays, and tagged fields), so adding a version is a table edit.
import { KafkaDecodeError, Reader, Writer } from './wire.ts';

export type Primitive = 'int8' | 'int16' | 'int32' | 'int64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid';
export type FieldType = Primitive | { array: FieldType } | { struct: Field[] };

export interface Field {
  name: string;
  type: FieldType;
  min: number;
  max: number;
  nullableFrom: number;
  /** Tagged fields (flexible versions only) are written only when set. */
  tag?: number;
}

export interface MessageSchema {
  fields: Field[];
  /** First flexible version, or Infinity. */
  flexibleFrom: number;
}

/** `'3+'`, `'0-4'` or `'7'` as an inclusive range. */
function range(versions: string): [number, number] {
  const plus = /^(\d+)\+$/.exec(versions);
  if (plus) return [Number(plus[1]), Infinity];
  const span = /^(\d+)-(\d+)$/.exec(versions);
  if (span) return [Number(span[1]), Number(span[2])];
  return [Number(versions), Number(versions)];
}

/** A field: name, type, the versions it exists in, and optionally the versions in which it may be null. */
export function f(name: string, type: FieldType, versions = '0+', nullable?: string, tag?: number): Field {
  const [min, max] = range(versions);
  return { name, type, min, max, nullableFrom: nullable === undefined ? Infinity : range(nullable)[0], tag };
}

export const array = (type: FieldType): FieldType => ({ array: type });
export const structs = (...fields: Field[]): FieldType => ({ array: { struct: fields } });

export function message(flexibleVersions: string | undefined, ...fields: Field[]): MessageSchema {
  return { fields, flexibleFrom: flexibleVersions === undefined ? Infinity : range(flexibleVersions)[0] };
}

export type Decoded = Record<string, unknown>;

const present = (field: Field, version: number) => version >= field.min && version <= field.max;

function readValue(reader: Reader, type: FieldType, version: number, flexible: boolean): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'int8': return reader.int8();
      case 'int16': return reader.int16();
      case 'int32': return reader.int32();
      case 'int64': return reader.int64();
      case 'bool': return reader.bool();
      case 'string': return reader.string(flexible);
      case 'bytes': case 'records': return reader.bytes(flexible);
      case 'uuid': return reader.uuid();
    }
  }
  if ('struct' in type) return readStruct(reader, type.struct, version, flexible);
  const length = reader.arrayLength(flexible);
  if (length === null) return null;
  const items: unknown[] = [];
  for (let i = 0; i < length; i++) items.push(readValue(reader, type.array, version, flexible));
  return items;
}

function readStruct(reader: Reader, fields: Field[], version: number, flexible: boolean): Decoded {
  const out: Decoded = {};
  for (const field of fields) {
    if (!present(field, version) || (flexible && field.tag !== undefined)) continue;
    out[field.name] = readValue(reader, field.type, version, flexible);
  }
  if (flexible) {
    const count = reader.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = reader.uvarint();
      const size = reader.uvarint();
      const known = fields.find((field) => field.tag === tag && present(field, version));
      const body = new Reader(reader.raw(size));
      if (known) out[known.name] = readValue(body, known.type, version, flexible);
    }
  }
  return out;
}

/** Decodes a message body of this version. */
export function decode(schema: MessageSchema, version: number, reader: Reader): Decoded {
  return readStruct(reader, schema.fields, version, version >= schema.flexibleFrom);
}

function defaultOf(type: FieldType): unknown {
  if (typeof type !== 'string') return 'array' in type ? [] : {};
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes' || type === 'records') return Buffer.alloc(0);
  if (type === 'uuid') return Buffer.alloc(16);
  return 0;
}

function writeValue(writer: Writer, type: FieldType, value: unknown, version: number, flexible: boolean, nullable: boolean, name: string): void {
  if (value === null && !nullable) throw new TypeError(`field ${name} is not nullable in version ${version}`);
  if (typeof type === 'string') {
    switch (type) {
      case 'int8': writer.int8(value as number); return;
      case 'int16': writer.int16(value as number); return;
      case 'int32': writer.int32(value as number); return;
      case 'int64': writer.int64(value as number); return;
      case 'bool': writer.bool(value as boolean); return;
      case 'string': writer.string(value as string | null, flexible); return;
      case 'bytes': case 'records': writer.bytes(value as Buffer | null, flexible); return;
      case 'uuid': writer.raw(value as Buffer); return;
    }
  }
  if ('struct' in type) return writeStruct(writer, type.struct, value as Decoded, version, flexible);
  const items = value as unknown[] | null;
  writer.arrayLength(items === null ? null : items.length, flexible);
  for (const item of items ?? []) writeValue(writer, type.array, item, version, flexible, false, name);
}

function writeStruct(writer: Writer, fields: Field[], value: Decoded, version: number, flexible: boolean): void {
  const tagged: Field[] = [];
  for (const field of fields) {
    if (!present(field, version)) continue;
    if (flexible && field.tag !== undefined) {
      if (value[field.name] !== undefined) tagged.push(field);
      continue;
    }
    const fieldValue = value[field.name] === undefined ? defaultOf(field.type) : value[field.name];
    writeValue(writer, field.type, fieldValue, version, flexible, version >= field.nullableFrom, field.name);
  }
  if (!flexible) return;
  writer.uvarint(tagged.length);
  for (const field of tagged) {
    const body = new Writer(32);
    writeValue(body, field.type, value[field.name], version, flexible, version >= field.nullableFrom, field.name);
    writer.uvarint(field.tag as number).uvarint(body.at).raw(body.finish());
  }
}

/** Encodes a message body of this version; absent fields take their type's zero value. */
export function encode(schema: MessageSchema, version: number, value: Decoded, writer: Writer): void {
  writeStruct(writer, schema.fields, value, version, version >= schema.flexibleFrom);
}

export { KafkaDecodeError };

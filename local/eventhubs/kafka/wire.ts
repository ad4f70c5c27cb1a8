// The Kafka protocol's primitive encodings (big-endian integers, zig-zag varints, classic and compact strings, bytes
// and arrays), written from the protocol guide. A Reader that runs past its buffer throws KafkaDecodeError, which the
// connection turns into closing that connection only.

export class KafkaDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaDecodeError';
  }
}

const TWO_32 = 2 ** 32;

export class Reader {
  readonly buffer: Buffer;
  at: number;
  readonly end: number;

  constructor(buffer: Buffer, at = 0, end = buffer.length) {
    this.buffer = buffer;
    this.at = at;
    this.end = end;
  }

  private need(bytes: number): number {
    const at = this.at;
    if (bytes < 0 || at + bytes > this.end) throw new KafkaDecodeError(`request truncated: needed ${bytes} bytes at ${at}, have ${this.end - at}`);
    this.at = at + bytes;
    return at;
  }

  get remaining(): number {
    return this.end - this.at;
  }

  int8(): number { return this.buffer.readInt8(this.need(1)); }
  int16(): number { return this.buffer.readInt16BE(this.need(2)); }
  uint16(): number { return this.buffer.readUInt16BE(this.need(2)); }
  int32(): number { return this.buffer.readInt32BE(this.need(4)); }
  uint32(): number { return this.buffer.readUInt32BE(this.need(4)); }
  /** A signed 64-bit integer as a number: offsets and timestamps stay far below 2^53. */
  int64(): number {
    const at = this.need(8);
    return this.buffer.readInt32BE(at) * TWO_32 + this.buffer.readUInt32BE(at + 4);
  }
  bool(): boolean { return this.int8() !== 0; }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer[this.need(1)] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new KafkaDecodeError('varint longer than 5 bytes');
  }

  /** A zig-zag varint or varlong (up to 10 bytes), exact up to 2^53. */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = this.buffer[this.need(1)] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    throw new KafkaDecodeError('varlong longer than 10 bytes');
  }

  raw(length: number): Buffer {
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  /** A string (int16 length) or, flexible, a compact string (uvarint length + 1); null for length -1 / 0. */
  string(compact: boolean): string | null {
    const length = compact ? this.uvarint() - 1 : this.int16();
    if (length < 0) return null;
    return this.raw(length).toString('utf8');
  }

  bytes(compact: boolean): Buffer | null {
    const length = compact ? this.uvarint() - 1 : this.int32();
    if (length < 0) return null;
    return this.raw(length);
  }

  /** An array's element count; null for a null array. */
  arrayLength(compact: boolean): number | null {
    const length = compact ? this.uvarint() - 1 : this.int32();
    if (length < 0) return null;
    // Each element takes at least one byte: a huge count in a small request is hostile, not a big allocation.
    if (length > this.remaining) throw new KafkaDecodeError(`array of ${length} elements in ${this.remaining} bytes`);
    return length;
  }

  uuid(): Buffer { return Buffer.from(this.raw(16)); }
}

/** Grows as needed; `finish()` returns the bytes written. */
export class Writer {
  private buffer: Buffer;
  at = 0;

  constructor(initial = 256) {
    this.buffer = Buffer.allocUnsafe(initial);
  }

  private room(bytes: number): number {
    if (this.at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
      this.buffer.copy(grown, 0, 0, this.at);
      this.buffer = grown;
    }
    const at = this.at;
    this.at += bytes;
    return at;
  }

  // Each writer takes its room first: room() may replace this.buffer, so `this.buffer.write…(v, this.room(n))`
  // would write into the old one.
  int8(v: number): this { const at = this.room(1); this.buffer.writeInt8(v, at); return this; }
  int16(v: number): this { const at = this.room(2); this.buffer.writeInt16BE(v, at); return this; }
  int32(v: number): this { const at = this.room(4); this.buffer.writeInt32BE(v, at); return this; }
  uint32(v: number): this { const at = this.room(4); this.buffer.writeUInt32BE(v >>> 0, at); return this; }
  int64(v: number): this {
    const at = this.room(8);
    const high = Math.floor(v / TWO_32);
    this.buffer.writeInt32BE(high, at);
    this.buffer.writeUInt32BE(v - high * TWO_32, at + 4);
    return this;
  }
  bool(v: boolean): this { return this.int8(v ? 1 : 0); }

  uvarint(v: number): this {
    let value = v;
    while (value >= 0x80) {
      const at = this.room(1);
      this.buffer[at] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    const at = this.room(1);
    this.buffer[at] = value;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  raw(bytes: Buffer): this {
    const at = this.room(bytes.length);
    bytes.copy(this.buffer, at);
    return this;
  }

  string(v: string | null, compact: boolean): this {
    if (v === null) return compact ? this.uvarint(0) : this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    if (compact) this.uvarint(bytes.length + 1);
    else this.int16(bytes.length);
    return this.raw(bytes);
  }

  bytes(v: Buffer | null, compact: boolean): this {
    if (v === null) return compact ? this.uvarint(0) : this.int32(-1);
    if (compact) this.uvarint(v.length + 1);
    else this.int32(v.length);
    return this.raw(v);
  }

  arrayLength(length: number | null, compact: boolean): this {
    if (length === null) return compact ? this.uvarint(0) : this.int32(-1);
    return compact ? this.uvarint(length + 1) : this.int32(length);
  }

  /** Writes a placeholder and returns a function that fills in an int32 later (a size or a CRC). */
  reserve32(): (value: number) => void {
    const at = this.room(4);
    return (value) => this.buffer.writeUInt32BE(value >>> 0, at);
  }

  slice(from: number, to = this.at): Buffer {
    return this.buffer.subarray(from, to);
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.at);
  }
}

// Maps a partition key to a partition id the way the client's buffered producer does (Bob Jenkins' lookup3
// "hashlittle2" over the key's UTF-8 bytes, folded to a signed 16-bit value), so both sides agree on where a key lives.
// Written from the published algorithm; all arithmetic is kept in unsigned 32 bits.

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

interface State { a: number; b: number; c: number }

function mix(s: State): void {
  s.a = (s.a - s.c) >>> 0; s.a = (s.a ^ rot(s.c, 4)) >>> 0; s.c = (s.c + s.b) >>> 0;
  s.b = (s.b - s.a) >>> 0; s.b = (s.b ^ rot(s.a, 6)) >>> 0; s.a = (s.a + s.c) >>> 0;
  s.c = (s.c - s.b) >>> 0; s.c = (s.c ^ rot(s.b, 8)) >>> 0; s.b = (s.b + s.a) >>> 0;
  s.a = (s.a - s.c) >>> 0; s.a = (s.a ^ rot(s.c, 16)) >>> 0; s.c = (s.c + s.b) >>> 0;
  s.b = (s.b - s.a) >>> 0; s.b = (s.b ^ rot(s.a, 19)) >>> 0; s.a = (s.a + s.c) >>> 0;
  s.c = (s.c - s.b) >>> 0; s.c = (s.c ^ rot(s.b, 4)) >>> 0; s.b = (s.b + s.a) >>> 0;
}

function final(s: State): void {
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 14)) >>> 0;
  s.a = (s.a ^ s.c) >>> 0; s.a = (s.a - rot(s.c, 11)) >>> 0;
  s.b = (s.b ^ s.a) >>> 0; s.b = (s.b - rot(s.a, 25)) >>> 0;
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 16)) >>> 0;
  s.a = (s.a ^ s.c) >>> 0; s.a = (s.a - rot(s.c, 4)) >>> 0;
  s.b = (s.b ^ s.a) >>> 0; s.b = (s.b - rot(s.a, 14)) >>> 0;
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 24)) >>> 0;
}

/** Reads up to four little-endian bytes from `at`; missing bytes count as zero (lookup3's tail handling). */
function word(data: Buffer, at: number, end: number): number {
  let value = 0;
  for (let i = 3; i >= 0; i--) value = (value * 256) + (at + i < end ? (data[at + i] ?? 0) : 0);
  return value >>> 0;
}

/** lookup3 over the key, returning the (b, c) pair as unsigned 32-bit numbers. */
export function lookup3(data: Buffer): { b: number; c: number } {
  const init = (0xdeadbeef + data.length) >>> 0;
  const s: State = { a: init, b: init, c: init };
  let at = 0;
  let left = data.length;
  while (left > 12) {
    s.a = (s.a + word(data, at, data.length)) >>> 0;
    s.b = (s.b + word(data, at + 4, data.length)) >>> 0;
    s.c = (s.c + word(data, at + 8, data.length)) >>> 0;
    mix(s);
    at += 12;
    left -= 12;
  }
  if (left === 0) return { b: s.b, c: s.c };
  const end = at + left;
  s.a = (s.a + word(data, at, end)) >>> 0;
  if (left > 4) s.b = (s.b + word(data, at + 4, end)) >>> 0;
  if (left > 8) s.c = (s.c + word(data, at + 8, end)) >>> 0;
  final(s);
  return { b: s.b, c: s.c };
}

/** The partition (as an index) that a key maps to among `partitionCount` partitions. */
export function partitionForKey(partitionKey: string, partitionCount: number): number {
  const { b, c } = lookup3(Buffer.from(partitionKey, 'utf8'));
  const folded = ((c ^ b) << 16) >> 16; // keep the low 16 bits, sign-extended
  return Math.abs(folded % partitionCount);
}

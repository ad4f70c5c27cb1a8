// CRC-32C (Castagnoli), the checksum of Kafka record batches: a slicing-by-8 table implementation (node:zlib's crc32
// is the other polynomial). Reflected polynomial 0x82F63B78.

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const first = tables[0] as Uint32Array;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    first[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = first[n] as number;
    for (let t = 1; t < 8; t++) {
      c = (first[c & 0xff] as number) ^ (c >>> 8);
      (tables[t] as Uint32Array)[n] = c >>> 0;
    }
  }
  return tables;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];

export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    crc ^= (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    crc = (T7[crc & 0xff] as number) ^ (T6[(crc >>> 8) & 0xff] as number) ^ (T5[(crc >>> 16) & 0xff] as number) ^ (T4[crc >>> 24] as number) ^
      (T3[data[i + 4] as number] as number) ^ (T2[data[i + 5] as number] as number) ^ (T1[data[i + 6] as number] as number) ^ (T0[data[i + 7] as number] as number);
  }
  for (; i < end; i++) crc = (T0[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

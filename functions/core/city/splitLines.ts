// Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line. node:readline is not
// used because it buffers a line until its newline arrives, however long: a 2 GB file with no newline would be held
// whole. Splitting on the byte 0x0A is safe in UTF-8 (no multi-byte sequence contains it); decoding is per line.

export type SplitLine =
  | { line: number; bytes: Buffer }
  /** The line exceeded the cap; its bytes were counted and dropped, not kept. */
  | { line: number; tooLongBytes: number };

const NEWLINE = 0x0a;
const CR = 0x0d;

export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<SplitLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;

  const finish = (): SplitLine => {
    line += 1;
    let result: SplitLine;
    if (tooLong) {
      result = { line, tooLongBytes: size };
    } else {
      let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      result = { line, bytes };
    }
    parts = [];
    size = 0;
    tooLong = false;
    return result;
  };

  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, position);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(position, end);
      size += piece.length;
      if (!tooLong && size > maxLineBytes) {
        tooLong = true;
        parts = [];
      }
      if (!tooLong && piece.length > 0) parts.push(piece);
      if (newline === -1) break;
      yield finish();
      position = newline + 1;
    }
  }
  // A final line without a newline is still a line; an empty tail after the last newline is not.
  if (size > 0 || tooLong) yield finish();
}

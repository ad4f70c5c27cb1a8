// Reads a city file from a byte stream: JSON lines (streamed, one line at a time) or one JSON array (read whole,
// up to a cap). Yields every accepted city and every rejected line, in file order, with 1-based line numbers.
import { cityFileLimits, type CityFileLimits } from './cityFileLimits.ts';
import { createCityCoordinates, type CityCoordinates } from './cityCoordinates.ts';
import { parseCityLine, parseCityRecord, type CityLineResult } from './parseCityLine.ts';
import { splitLines } from './splitLines.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACKET = 0x5b;

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The first byte that is not a BOM or whitespace, or undefined when there is none yet. */
function firstSignificantByte(head: Buffer): number | undefined {
  const start = head.subarray(0, 3).equals(BOM) ? 3 : 0;
  for (let i = start; i < head.length; i++) if (!WHITESPACE.has(head[i]!)) return head[i];
  return undefined;
}

function decode(bytes: Buffer): string | undefined {
  try {
    // A fresh decoder per call drops a leading BOM, so the first line parses like any other.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function withDuplicateCheck(result: CityLineResult, seen: CityCoordinates): CityLineResult {
  if (!result.ok) return result;
  const conflict = seen.check(result, result.line);
  return conflict ? { ok: false, line: result.line, reason: conflict } : result;
}

async function* readLines(chunks: AsyncIterable<Buffer>, limits: CityFileLimits, seen: CityCoordinates): AsyncGenerator<CityLineResult> {
  for await (const split of splitLines(chunks, limits.maxLineBytes)) {
    if ('tooLongBytes' in split) {
      yield { ok: false, line: split.line, reason: `the line is longer than ${limits.maxLineBytes} bytes (${split.tooLongBytes} bytes)` };
      continue;
    }
    const text = decode(split.bytes);
    if (text === undefined) {
      yield { ok: false, line: split.line, reason: 'the line is not valid UTF-8' };
      continue;
    }
    if (text.trim() === '') continue; // blank lines are layout, not data
    yield withDuplicateCheck(parseCityLine(text, split.line), seen);
  }
}

async function* readArray(chunks: AsyncIterable<Buffer>, limits: CityFileLimits, seen: CityCoordinates): AsyncGenerator<CityLineResult> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > limits.maxArrayBytes) {
      yield {
        ok: false,
        line: 1,
        reason: `the file is a JSON array larger than ${limits.maxArrayBytes} bytes; write it as JSON lines (one object per line), which has no size limit`,
      };
      return;
    }
    parts.push(chunk);
  }
  const text = decode(Buffer.concat(parts, size));
  if (text === undefined) {
    yield { ok: false, line: 1, reason: 'the file is not valid UTF-8' };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { ok: false, line: 1, reason: `the file starts with "[" but is not a valid JSON array: ${(error as Error).message.slice(0, 120)}` };
    return;
  }
  if (!Array.isArray(value)) return; // unreachable: text starting with "[" parses to an array or fails
  // In an array file, `line` is the element's 1-based position in the array.
  for (let i = 0; i < value.length; i++) yield withDuplicateCheck(parseCityRecord(value[i], i + 1), seen);
}

/**
 * Streams a city file. JSON lines are read one line at a time with each line capped (a longer line is rejected
 * and skipped without being held); a file whose first significant character is "[" is one JSON array, read whole
 * up to `maxArrayBytes`. Blank lines are skipped. Duplicate ids with other coordinates are rejected.
 */
export async function* readCityFile(source: AsyncIterable<Uint8Array | string>, limits: Partial<CityFileLimits> = {}): AsyncGenerator<CityLineResult> {
  const effective = { ...cityFileLimits, ...limits };
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let first: number | undefined;
  let headSize = 0;
  try {
    // Peek until the first significant byte decides the format; the bytes read stay in `head` for the reader.
    while (first === undefined && headSize <= effective.maxLineBytes) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = toBuffer(next.value);
      head.push(chunk);
      headSize += chunk.length;
      first = firstSignificantByte(Buffer.concat(head, headSize));
    }
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield* head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toBuffer(next.value);
    };
    const seen = createCityCoordinates();
    yield* first === OPEN_BRACKET ? readArray(rest(), effective, seen) : readLines(rest(), effective, seen);
  } finally {
    await iterator.return?.();
  }
}

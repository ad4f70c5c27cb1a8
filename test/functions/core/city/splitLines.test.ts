import { describe, expect, it } from 'vitest';
import { splitLines, type SplitLine } from '../../../../functions/core/city/splitLines.ts';

async function split(chunks: (string | Buffer)[], max = 10): Promise<(string | number)[]> {
  const out: (string | number)[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const line of splitLines(source, max) as AsyncGenerator<SplitLine>) {
    out.push('bytes' in line ? `${line.line}:${line.bytes.toString('utf8')}` : -line.tooLongBytes);
  }
  return out;
}

describe('splitLines', () => {
  it('splits on LF, strips a CR before it, and keeps empty lines numbered', async () => {
    expect(await split(['a\r\n\nb', 'c\n'])).toEqual(['1:a', '2:', '3:bc']);
  });

  it('yields a final line without a newline, but no phantom line after a final newline', async () => {
    expect(await split(['a\nb'])).toEqual(['1:a', '2:b']);
    expect(await split(['a\n'])).toEqual(['1:a']);
  });

  it('reports a line over the cap by its length across chunks and resumes after it', async () => {
    expect(await split(['12345', '678901', '23\nok\n'])).toEqual([-13, '2:ok']);
  });

  it('keeps a line of exactly the cap', async () => {
    expect(await split(['1234567890\n'])).toEqual(['1:1234567890']);
  });
});

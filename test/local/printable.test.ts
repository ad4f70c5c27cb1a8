import { describe, expect, it } from 'vitest';
import { printable, printableLines } from '../../local/printable.ts';

describe('printable', () => {
  it.each([
    ['an OSC title sequence', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['a CSI clear screen', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['a C1 CSI', 'x\u009b31m', 'x\\x9b31m'],
    ['DEL and NUL', 'a\u007fb\u0000', 'a\\x7fb\\x00'],
    ['a right-to-left override', 'abc\u202edef', 'abc\\u202edef'],
    ['a zero-width space and a BOM', '\u200bx\ufeff', '\\u200bx\\ufeff'],
    ['a line feed, a carriage return and a tab', 'a\nb\rc\td', 'a\\x0ab\\x0dc\\x09d'],
  ])('writes %s as visible escapes', (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  it('leaves ordinary text, accents, CJK and emoji alone', () => {
    const text = 'Zürich, São Paulo, 東京, Ångström 🌡️ -12.5 °C';
    expect(printable(text)).toBe(text);
  });

  it('is idempotent, so text escaped once can pass through it again', () => {
    const once = printable('\u001b[31mred');
    expect(printable(once)).toBe(once);
  });
});

describe('printableLines', () => {
  it('keeps line feeds and escapes the rest', () => {
    expect(printableLines('line 1\n\u001b]0;x\u0007line 2\r\n')).toBe('line 1\n\\x1b]0;x\\x07line 2\\x0d\n');
  });
});

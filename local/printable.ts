// Text from input (city names, rejection reasons that quote a line, file names, log lines) goes to a terminal,
// where an ESC, a C1 control or a bidi override is an instruction, not a character: `ESC ] 0 ;` retitles the
// window, `ESC [ 2 J` clears it, U+202E reverses what follows. Everything the CLI prints from input goes through
// `printable`, which writes such characters as visible escapes (`\x1b`, `\u202e`).

// eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;
// eslint-disable-next-line no-control-regex -- the same set without line feed
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control, bidi and invisible formatting character written as an escape; one line out. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** The same, but line feeds stay (multi-line output such as a stack trace). */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINES, escape);
}

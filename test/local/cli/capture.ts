// A Writable that keeps what is written, for CLI tests that read a command's stdout and stderr.
import { Writable } from 'node:stream';

export function capture(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

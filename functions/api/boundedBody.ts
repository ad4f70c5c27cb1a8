// Request bodies are read against a cap: a declared Content-Length over it is refused before a byte is read, and a
// body without one (chunked) is read only up to the cap, then the stream is cancelled. The whole body is never
// buffered first (as request.text() would), on Azure with HTTP streams or in the local host alike.
import type { HttpRequest } from '@azure/functions';
import { ValidationError } from '../errors.ts';

/** The body is larger than the route accepts: answer 413. */
export class PayloadTooLargeError extends ValidationError {
  constructor(max: number) {
    super('body', `body must be at most ${max.toLocaleString('en-US')} bytes`);
  }
}

export async function readBoundedText(request: HttpRequest, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const body = request.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw new ValidationError('body', 'body must be UTF-8 text');
  }
}

// The API's response shapes: JSON errors naming the parameter, and bodies streamed from async generators.
import type { HttpResponseInit } from '@azure/functions';
import type { ValidationError } from '../errors.ts';

export function badRequest(error: ValidationError): HttpResponseInit {
  return { status: 400, jsonBody: { error: error.message, parameter: error.field } };
}

export function notFound(parameter: string, message: string): HttpResponseInit {
  return { status: 404, jsonBody: { error: message, parameter } };
}

/** Pulls one chunk per read, so a slow client slows the table reads instead of growing a buffer. */
export function streamBody(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

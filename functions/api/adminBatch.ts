// POST /api/ops/replay and /api/ops/verify: validate the JSON body, run, answer with the result. Long ranges
// belong on the CLI (HTTP requests end after 230 s on Azure's front end).
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ensureErrorType, NotFoundError, ValidationError } from '../errors.ts';
import { PayloadTooLargeError, readBoundedText } from './boundedBody.ts';
import { badRequest, notFound } from './httpResponses.ts';

/** A replay or verify request is a few hundred bytes; a thousand city ids fit well within this. */
export const MAX_BATCH_BODY_BYTES = 100_000;

export function createAdminBatchHandler<TRequest, TResult>(
  name: string,
  parse: (body: unknown) => TRequest,
  run: (request: TRequest) => Promise<TResult>,
) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let parsed: TRequest;
    try {
      const text = await readBoundedText(request, MAX_BATCH_BODY_BYTES);
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new ValidationError('body', 'body must be JSON');
      }
      parsed = parse(body);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return { ...badRequest(error), status: 413 };
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    const started = Date.now();
    try {
      const result = await run(parsed);
      context.log(`${name} invocation=${context.invocationId} request=${JSON.stringify(parsed)} ms=${Date.now() - started}`);
      return { status: 200, jsonBody: result };
    } catch (thrown) {
      if (thrown instanceof NotFoundError) return notFound(thrown.field, thrown.message);
      const error = ensureErrorType(thrown);
      context.error(`${name} invocation=${context.invocationId} failed: ${error.message}`);
      throw error;
    }
  };
}

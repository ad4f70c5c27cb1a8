// POST /api/ops/replay and /api/ops/verify: validate the JSON body, run, answer with the result. Long ranges
// belong on the CLI (HTTP requests end after 230 s on Azure's front end).
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ensureErrorType, ValidationError } from '../errors.ts';
import { badRequest } from './httpResponses.ts';

export function createAdminBatchHandler<TRequest, TResult>(
  name: string,
  parse: (body: unknown) => TRequest,
  run: (request: TRequest) => Promise<TResult>,
) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let parsed: TRequest;
    try {
      const text = await request.text();
      if (text.length > 100_000) throw new ValidationError('body', 'body must be at most 100,000 characters');
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        throw new ValidationError('body', 'body must be JSON');
      }
      parsed = parse(body);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    const started = Date.now();
    try {
      const result = await run(parsed);
      context.log(`${name} invocation=${context.invocationId} request=${JSON.stringify(parsed)} ms=${Date.now() - started}`);
      return { status: 200, jsonBody: result };
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      context.error(`${name} invocation=${context.invocationId} failed: ${error.message}`);
      throw error;
    }
  };
}

// GET /api/runs: the recent runs, newest first, one page per request (a continuation token from the previous page
// continues). Each entry says what started the run and what it asked for; GET /api/runs/{id} reconciles one.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { RunLedger } from '../adapters/runLedger.ts';
import { ValidationError } from '../errors.ts';
import { parseContinuationToken } from './continuationToken.ts';
import { badRequest } from './httpResponses.ts';

export const RUNS_PARAMETERS = ['pageSize', 'continuationToken'] as const;
export const MAX_RUNS_PAGE = 100;
const DEFAULT_RUNS_PAGE = 20;

export interface RunsQuery {
  pageSize: number;
  continuationToken: string | undefined;
}

export function parseRunsQuery(query: URLSearchParams): RunsQuery {
  for (const name of new Set(query.keys())) {
    if (name === 'code') continue; // the function key, when given as ?code=
    if (!(RUNS_PARAMETERS as readonly string[]).includes(name)) throw new ValidationError(name, `unknown parameter ${JSON.stringify(name.slice(0, 40))}`);
    if (query.getAll(name).length > 1) throw new ValidationError(name, `${name} must be given once`);
  }
  const raw = query.get('pageSize');
  if (raw !== null && (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_RUNS_PAGE)) {
    throw new ValidationError('pageSize', `pageSize must be a whole number from 1 to ${MAX_RUNS_PAGE}`);
  }
  return { pageSize: raw === null ? DEFAULT_RUNS_PAGE : Number(raw), continuationToken: parseContinuationToken(query.get('continuationToken')) };
}

export function createGetRunsHandler(deps: { ledger: RunLedger }) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let query: RunsQuery;
    try {
      query = parseRunsQuery(request.query);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    let page;
    try {
      page = await deps.ledger.listRuns(query);
    } catch (error) {
      // A page request the service refuses can only be the token's doing.
      if ((error as { statusCode?: number }).statusCode === 400) {
        return badRequest(new ValidationError('continuationToken', 'continuationToken was refused by the table service: it must be a token returned by a previous page'));
      }
      throw error;
    }
    context.log(`getRuns invocation=${context.invocationId} returned=${page.runs.length} more=${page.continuationToken !== undefined}`);
    return {
      status: 200,
      jsonBody: { runs: page.runs.map((run) => ({ ...run, ledger: `/api/runs/${run.runId}` })), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
    };
  };
}

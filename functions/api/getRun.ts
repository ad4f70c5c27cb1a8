// GET /api/runs/{id}: a run's ledger, reconciled against the aggregates table and the dead letters.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ValidationError } from '../errors.ts';
import { reconcileRun, type ReconcileDeps } from '../ledger/reconcileRun.ts';
import { badRequest, notFound } from './httpResponses.ts';

// Run ids are `file-<hex>` (city files) or `refresh-<YYYY-MM-DD>` (the timer); nothing else is a PartitionKey here.
const RUN_ID = /^(file-[0-9a-f]{24}|refresh-\d{4}-\d{2}-\d{2})$/;

export function parseRunId(value: string | undefined): string {
  if (value === undefined || !RUN_ID.test(value)) {
    throw new ValidationError('id', 'id must be a run id such as file-<24 hex digits> or refresh-YYYY-MM-DD');
  }
  return value;
}

export function createGetRunHandler(deps: ReconcileDeps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let runId: string;
    try {
      runId = parseRunId(request.params.id);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    const report = await reconcileRun(deps, runId);
    if (!report) return notFound('id', `no run ${runId}`);
    context.log(`getRun ${runId}: state=${report.state} balanced=${report.balanced}`);
    return { status: 200, jsonBody: report };
  };
}

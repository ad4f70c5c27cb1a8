import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { createAggregateTable } from '../../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { createRunLedger } from '../../../functions/adapters/runLedger.ts';
import { aggregateBatch } from '../../../functions/aggregate/aggregateBatch.ts';
import { createGetRunHandler } from '../../../functions/api/getRun.ts';
import type { CityDayEvent } from '../../../functions/core/model.ts';
import { reconcileRun, type ReconcileDeps } from '../../../functions/ledger/reconcileRun.ts';

const RUN = 'file-0123456789abcdef01234567';
const at = new Date('2023-09-23T00:00:00Z');

function event(date: string, over: Partial<CityDayEvent> = {}): CityDayEvent {
  return {
    v: 1, cityId: 'newton-ma-usa', city: 'Newton, MA, USA', lat: 42.34, lng: -71.21, gridLat: 42.3, gridLng: -71.2, date,
    hourly: Array.from({ length: 24 }, (_, h) => h / 2), source: { api: 'open-meteo-archive', fetchedAt: at.toISOString(), runId: RUN }, ...over,
  };
}

describe('reconcileRun', () => {
  const connectionString = inject('azuriteConnectionString');
  let deps: ReconcileDeps;

  beforeAll(async () => {
    const tables = async (name: string) => {
      const client = TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
      await client.createTable();
      return client;
    };
    const blobs = BlobServiceClient.fromConnectionString(connectionString);
    await blobs.getContainerClient('ledgerdeadletter').createIfNotExists();
    deps = {
      ledger: createRunLedger(await tables('ledgerruns')),
      aggregates: createAggregateTable(await tables('ledgeraggregates')),
      blobs: createBlobStore(blobs),
      deadletterContainer: 'ledgerdeadletter',
    };
  });

  it('balances a run whose days are aggregated or dead-lettered, and the API returns the same report', async () => {
    const days = ['2023-01-30', '2023-01-31', '2023-02-01'];
    const malformed = { ...event('2023-02-02'), hourly: [1, 2, 3] };
    await aggregateBatch(
      { table: deps.aggregates, blobs: deps.blobs, deadletterContainer: deps.deadletterContainer },
      [...days.map((d) => event(d)), malformed],
      { partitionId: '1', sequenceNumbers: [10, 11, 12, 13], enqueuedTimes: [] },
    );
    await deps.ledger.recordFile(RUN, { file: 'us.jsonl', citiesAccepted: 1, citiesRejected: 1, jobs: 1, cityDaysRequested: 4 }, at);
    await deps.ledger.recordJob(RUN, { cityId: 'newton-ma-usa', start: '2023-01-30', end: '2023-02-02', status: 'done', fetchedDays: 4, missingDays: 0, publishedEvents: 4 }, at);

    const report = await reconcileRun(deps, RUN);
    expect(report).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 4, aggregated: 3, deadLettered: 1, unaccounted: 0 } });

    const response = await createGetRunHandler(deps)(
      new HttpRequest({ method: 'GET', url: `http://localhost/api/runs/${RUN}`, params: { id: RUN } }),
      new InvocationContext({ functionName: 'getRun' }),
    );
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual(report);
  });

  it('rewrites a job row on redelivery instead of adding a second one', async () => {
    const run = 'file-aaaaaaaaaaaaaaaaaaaaaaaa';
    const record = { cityId: 'x', start: '2023-01-01', end: '2023-01-02', status: 'failed' as const, fetchedDays: 0, missingDays: 0, publishedEvents: 0, reason: 'boom' };
    await deps.ledger.recordJob(run, record, at);
    await deps.ledger.recordJob(run, { ...record, status: 'done', fetchedDays: 2, publishedEvents: 2, reason: undefined }, at);
    const { jobs } = await deps.ledger.read(run);
    expect(jobs).toEqual([{ cityId: 'x', start: '2023-01-01', end: '2023-01-02', status: 'done', fetchedDays: 2, missingDays: 0, publishedEvents: 2 }]);
  });

  it.each([["file-x' or PartitionKey ne '"], ['..%2F..'], ['']])('refuses the run id %j with 400', async (id) => {
    const response = await createGetRunHandler(deps)(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/runs/x', params: { id } }),
      new InvocationContext({ functionName: 'getRun' }),
    );
    expect(response.status).toBe(400);
  });

  it('answers 404 for a run it has never seen', async () => {
    const response = await createGetRunHandler(deps)(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/runs/x', params: { id: 'refresh-2023-01-01' } }),
      new InvocationContext({ functionName: 'getRun' }),
    );
    expect(response.status).toBe(404);
  });
});

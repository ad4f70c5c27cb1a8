import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { createRunLedger, type RunLedger } from '../../../functions/adapters/runLedger.ts';
import { QUEUE_MAX_DEQUEUE_COUNT } from '../../../functions/config/settings.ts';
import { recordFetchFailure, recordFetchOutcome } from '../../../functions/ledger/recordFetchOutcome.ts';

const at = new Date('2023-09-23T00:00:00Z');
const job = (runId: string) => ({ v: 1, runId, cityId: 'rolla-mo-usa', city: 'Rolla, MO, USA', lat: 37.95, lng: -91.77, start: '2023-01-01', end: '2023-01-31' });

describe('recordFetchOutcome', () => {
  let ledger: RunLedger;
  beforeAll(async () => {
    const table = TableClient.fromConnectionString(inject('azuriteConnectionString'), 'fetchoutcomeruns', { allowInsecureConnection: true });
    await table.createTable();
    ledger = createRunLedger(table);
  });

  it('records a done job with its fetched, missing and published counts', async () => {
    const runId = 'file-111111111111111111111111';
    await recordFetchOutcome(ledger, job(runId), { outcome: 'done', days: 31, missingDays: 2, nullHours: 48, invalidValues: 0, syntheticDays: 0, events: 31, batches: 1, weight: 1, calls: 1 }, at);
    expect((await ledger.read(runId)).jobs).toEqual([
      { cityId: 'rolla-mo-usa', start: '2023-01-01', end: '2023-01-31', status: 'done', fetchedDays: 31, missingDays: 2, publishedEvents: 31 },
    ]);
  });

  it('records a rejected job with the reason and writes nothing for a deferred one', async () => {
    const runId = 'file-222222222222222222222222';
    await recordFetchOutcome(ledger, job(runId), { outcome: 'deferred', retryAfterSeconds: 60, deferrals: 1 }, at);
    expect((await ledger.read(runId)).jobs).toEqual([]);
    await recordFetchOutcome(ledger, job(runId), { outcome: 'rejected', reason: 'start_date is out of range', deadletter: 'x' }, at);
    expect((await ledger.read(runId)).jobs).toMatchObject([{ status: 'rejected', reason: 'start_date is out of range', fetchedDays: 0 }]);
  });

  it('records a job failing its last attempt as failed, and ignores a message that is no job', async () => {
    const runId = 'file-333333333333333333333333';
    await recordFetchFailure(ledger, job(runId), new Error('socket hang up'), at);
    await recordFetchFailure(ledger, { v: 2, nonsense: true }, new Error('bad'), at);
    expect((await ledger.read(runId)).jobs).toMatchObject([{ status: 'failed', reason: 'socket hang up' }]);
  });
});

describe('QUEUE_MAX_DEQUEUE_COUNT', () => {
  it('is the maxDequeueCount host.json gives the queue trigger', () => {
    const host = JSON.parse(readFileSync(new URL('../../../host.json', import.meta.url), 'utf8')) as { extensions: { queues: { maxDequeueCount: number } } };
    expect(host.extensions.queues.maxDequeueCount).toBe(QUEUE_MAX_DEQUEUE_COUNT);
  });
});

import { describe, expect, it } from 'vitest';
import { dayKey, reconcile, type JobRecord } from '../../../../functions/core/ledger/reconcile.ts';
import { eachDay } from '../../../../functions/core/dates.ts';

const job = (over: Partial<JobRecord> = {}): JobRecord => ({
  cityId: 'peabody-ma-usa', start: '2023-01-01', end: '2023-01-10', status: 'done',
  fetchedDays: 10, missingDays: 0, publishedEvents: 10, ...over,
});
const allDays = (j: JobRecord) => new Set(eachDay(j.start, j.end).map((d) => dayKey(j.cityId, d)));
const file = { file: 'us.jsonl', citiesAccepted: 1, citiesRejected: 2, jobs: 1, cityDaysRequested: 10 };

describe('reconcile', () => {
  it('balances when every requested city-day is aggregated', () => {
    const j = job();
    const report = reconcile({ runId: 'r', file, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report).toMatchObject({ state: 'complete', balanced: true, cities: { accepted: 1, rejected: 2 } });
    expect(report.cityDays).toMatchObject({ requested: 10, fetched: 10, published: 10, aggregated: 10, unaccounted: 0 });
  });

  it('counts a dead-lettered day as accounted for', () => {
    const j = job();
    const aggregated = allDays(j);
    aggregated.delete(dayKey(j.cityId, '2023-01-05'));
    const report = reconcile({ runId: 'r', file, jobs: [j], aggregated, deadLettered: new Set([dayKey(j.cityId, '2023-01-05')]) });
    expect(report.balanced).toBe(true);
    expect(report.cityDays).toMatchObject({ aggregated: 9, deadLettered: 1 });
  });

  it('is unbalanced and names the day when a fetched day is nowhere downstream', () => {
    const j = job();
    const aggregated = allDays(j);
    aggregated.delete(dayKey(j.cityId, '2023-01-07'));
    const report = reconcile({ runId: 'r', file, jobs: [j], aggregated, deadLettered: new Set() });
    expect(report.balanced).toBe(false);
    expect(report.cityDays.unaccounted).toBe(1);
    expect(report.problems).toContain('peabody-ma-usa 2023-01-07: fetched but neither aggregated nor dead-lettered');
  });

  it('accounts a rejected job\'s days as not fetched, with the job kept', () => {
    const report = reconcile({
      runId: 'r', file, jobs: [job({ status: 'rejected', fetchedDays: 0, publishedEvents: 0, reason: 'API said 400' })],
      aggregated: new Set(), deadLettered: new Set(),
    });
    expect(report).toMatchObject({ balanced: true, jobs: { rejected: 1 }, cityDays: { notFetched: 10 } });
  });

  it('reports a run with jobs still to finish as running, not balanced', () => {
    const report = reconcile({ runId: 'r', file: { ...file, jobs: 3 }, jobs: [job()], aggregated: allDays(job()), deadLettered: new Set() });
    expect(report).toMatchObject({ state: 'running', balanced: false, jobs: { planned: 3, pending: 2 } });
  });

  it('flags a job that published fewer events than it fetched', () => {
    const j = job({ publishedEvents: 9 });
    const report = reconcile({ runId: 'r', file, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report.balanced).toBe(false);
    expect(report.problems[0]).toMatch(/published 9 of 10/);
  });

  it('flags a file whose request total disagrees with its jobs', () => {
    const j = job();
    const report = reconcile({ runId: 'r', file: { ...file, cityDaysRequested: 11 }, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report.balanced).toBe(false);
    expect(report.problems[0]).toMatch(/asked for 11 city-days but its jobs cover 10/);
  });
});

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

  it('flags a done job that fetched fewer days than its range, with the note naming the job and both figures', () => {
    const j = job({ fetchedDays: 8, publishedEvents: 8 });
    const report = reconcile({ runId: 'r', file, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report.balanced).toBe(false);
    expect(report.problems).toEqual(['job peabody-ma-usa 2023-01-01..2023-01-10: fetched 8 of 10 days']);
    expect(report.cityDays).toMatchObject({ requested: 10, fetched: 8, published: 8 });
  });

  it('sums fetched, missing, published and synthetic days over the done jobs only, and requested over every job', () => {
    const a = job({ missingDays: 2, syntheticDays: 4 });
    const b = job({ cityId: 'salem-ma', start: '2023-02-01', end: '2023-02-03', fetchedDays: 3, missingDays: 3, publishedEvents: 3, syntheticDays: 3 });
    const failed = job({ cityId: 'lynn-ma', status: 'failed', fetchedDays: 4, missingDays: 4, publishedEvents: 4, syntheticDays: 4 });
    const aggregated = new Set([...allDays(a), ...allDays(b)]);
    const report = reconcile({ runId: 'r', file: { ...file, jobs: 3, cityDaysRequested: 23 }, jobs: [a, b, failed], aggregated, deadLettered: new Set() });
    expect(report.cityDays).toEqual({
      requested: 23, fetched: 13, missing: 5, published: 13, synthetic: 7, aggregated: 13, deadLettered: 0, notFetched: 10, unaccounted: 0,
    });
    expect(report.jobs).toEqual({ planned: 3, done: 2, rejected: 0, failed: 1, pending: 0 });
    expect(report).toMatchObject({ state: 'complete', balanced: true, problems: [] });
  });

  it('gives the whole report shape for a run without a file record', () => {
    const j = job();
    expect(reconcile({ runId: 'r7', file: undefined, jobs: [j], aggregated: allDays(j), deadLettered: new Set() })).toEqual({
      runId: 'r7',
      state: 'complete',
      balanced: true,
      cities: { accepted: 0, rejected: 0, duplicateLines: 0 },
      jobs: { planned: 1, done: 1, rejected: 0, failed: 0, pending: 0 },
      cityDays: { requested: 10, fetched: 10, missing: 0, published: 10, synthetic: 0, aggregated: 10, deadLettered: 0, notFetched: 0, unaccounted: 0 },
      problems: [],
    });
  });

  it('does not flag the file total while jobs are still pending', () => {
    const j = job();
    const report = reconcile({ runId: 'r', file: { ...file, jobs: 2, cityDaysRequested: 20 }, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report).toMatchObject({ state: 'running', balanced: false, problems: [], jobs: { pending: 1 } });
  });

  it('never counts more jobs pending than planned, and none below zero', () => {
    const j = job();
    const report = reconcile({ runId: 'r', file: { ...file, jobs: 0, cityDaysRequested: 10 }, jobs: [j], aggregated: allDays(j), deadLettered: new Set() });
    expect(report.jobs.pending).toBe(0);
    expect(report.state).toBe('complete');
  });

  it('counts a day found both aggregated and dead-lettered once, as aggregated', () => {
    const j = job({ start: '2023-01-01', end: '2023-01-01', fetchedDays: 1, publishedEvents: 1 });
    const key = dayKey(j.cityId, '2023-01-01');
    const report = reconcile({ runId: 'r', file: { ...file, cityDaysRequested: 1 }, jobs: [j], aggregated: new Set([key]), deadLettered: new Set([key]) });
    expect(report.cityDays).toMatchObject({ aggregated: 1, deadLettered: 0 });
    expect(report.balanced).toBe(true);
  });

  it('keeps at most 50 problems', () => {
    const j = job({ start: '2023-01-01', end: '2023-03-31', fetchedDays: 90, publishedEvents: 90 });
    const report = reconcile({ runId: 'r', file: undefined, jobs: [j], aggregated: new Set(), deadLettered: new Set() });
    expect(report.cityDays.unaccounted).toBe(90);
    expect(report.problems).toHaveLength(50);
    expect(report.problems[49]).toBe('peabody-ma-usa 2023-02-19: fetched but neither aggregated nor dead-lettered');
  });
});

describe('reconcile, the file', () => {
  it('names the city file of the run in the report', () => {
    const j = job();
    expect(reconcile({ runId: 'r', file, jobs: [j], aggregated: allDays(j), deadLettered: new Set() })).toMatchObject({ file: 'us.jsonl' });
  });
});

import { describe, expect, it } from 'vitest';
import { NO_RANGE_REASON, planFetchJobs, rangeFromMetadata, type PlanInput } from '../../../functions/ingest/planFetchJobs.ts';

const city = { cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786 };
const base: PlanInput = {
  city,
  fileRange: undefined,
  defaultRange: { start: '2023-01-01', end: '2023-08-30' },
  windowDays: 366,
  now: new Date('2024-06-15T10:00:00Z'),
  runId: 'run-1',
};

describe('planFetchJobs', () => {
  it('makes one job for the seed range with a window of 366 days', () => {
    expect(planFetchJobs(base)).toEqual({
      ok: true,
      source: 'default',
      range: { start: '2023-01-01', end: '2023-08-30' },
      jobs: [{ v: 1, runId: 'run-1', ...city, start: '2023-01-01', end: '2023-08-30' }],
    });
  });

  it('prefers the line range over the file range over the default range', () => {
    const file = { start: '2022-01-01', end: '2022-01-31' };
    const fromLine = planFetchJobs({ ...base, fileRange: file, city: { ...city, start: '2021-05-01', end: '2021-05-02' } });
    expect(fromLine).toMatchObject({ ok: true, source: 'line', range: { start: '2021-05-01', end: '2021-05-02' } });
    expect(planFetchJobs({ ...base, fileRange: file })).toMatchObject({ ok: true, source: 'file', range: file });
  });

  it('splits a long range into contiguous windows', () => {
    const plan = planFetchJobs({ ...base, defaultRange: { start: '2020-01-01', end: '2023-12-31' } });
    expect(plan.ok && plan.jobs.map((j) => [j.start, j.end])).toEqual([
      ['2020-01-01', '2020-12-31'],
      ['2021-01-01', '2022-01-01'],
      ['2022-01-02', '2023-01-02'],
      ['2023-01-03', '2023-12-31'],
    ]);
  });

  it('clips an end after yesterday (UTC) to yesterday and says so', () => {
    const plan = planFetchJobs({ ...base, defaultRange: { start: '2024-06-01', end: '2024-12-31' }, now: new Date('2024-06-15T00:00:00Z') });
    expect(plan).toMatchObject({ ok: true, range: { start: '2024-06-01', end: '2024-06-14' }, clippedFrom: '2024-12-31' });
    expect(plan.ok && plan.jobs).toHaveLength(1);
  });

  it('rejects a range wholly after yesterday', () => {
    const plan = planFetchJobs({ ...base, defaultRange: { start: '2024-06-15', end: '2024-07-01' } });
    expect(plan).toEqual({ ok: false, reason: 'the date range 2024-06-15..2024-07-01 (from the default) is wholly after yesterday (2024-06-14)' });
  });

  it('rejects a city with no range anywhere', () => {
    expect(planFetchJobs({ ...base, defaultRange: undefined })).toEqual({ ok: false, reason: NO_RANGE_REASON });
  });
});

describe('rangeFromMetadata', () => {
  it('reads start and end in any case', () => {
    expect(rangeFromMetadata({ Start: '2023-01-01', END: '2023-02-01', other: 'x' })).toEqual({ ok: true, range: { start: '2023-01-01', end: '2023-02-01' } });
  });

  it('gives no range when neither is set', () => {
    expect(rangeFromMetadata({ owner: 'me' })).toEqual({ ok: true });
  });

  it.each([
    [{ start: '2023-01-01' }, 'blob metadata must set start and end together'],
    [{ start: '2023-02-30', end: '2023-03-01' }, 'blob metadata start must be a calendar date YYYY-MM-DD, got "2023-02-30"'],
    [{ start: '2023-01-01', end: 'soon' }, 'blob metadata end must be a calendar date YYYY-MM-DD, got "soon"'],
    [{ start: '2023-03-01', end: '2023-01-01' }, 'blob metadata start (2023-03-01) is after end (2023-01-01)'],
  ])('rejects %j', (metadata, reason) => {
    expect(rangeFromMetadata(metadata)).toEqual({ ok: false, reason });
  });
});

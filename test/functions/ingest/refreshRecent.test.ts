import { beforeAll, describe, expect, inject, it } from 'vitest';
import { refreshRecent } from '../../../functions/ingest/refreshRecent.ts';
import type { FetchJob } from '../../../functions/core/model.ts';
import { createIngestWorld, invocationContext, type IngestWorld, type LogLine } from './fixtures.ts';

describe('refreshRecent', () => {
  let world: IngestWorld;
  beforeAll(async () => {
    world = await createIngestWorld(inject('azuriteConnectionString'), 'rr');
    await world.deps().registry.upsert(
      [
        { cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786 },
        { cityId: 'KBETA', city: 'Beta', lat: 44, lng: -69 },
      ],
      new Date('2024-01-01T00:00:00Z'),
    );
  });

  const deps = (days: number, windowDays: number, now: string) => ({
    registry: world.deps().registry,
    queue: world.deps().queue,
    config: { fetchWindowDays: windowDays, refresh: { schedule: '0 30 2 * * *', days } },
    now: () => new Date(now),
    resources: world.resources,
    ledger: world.deps().ledger,
  });

  it('enqueues the trailing days ending yesterday (UTC) for every known city under one run per day', async () => {
    const logs: LogLine[] = [];
    const summary = await refreshRecent(deps(10, 366, '2024-03-05T02:30:00Z'), invocationContext('refreshRecent', logs));
    expect(summary).toEqual({ runId: 'refresh-2024-03-05', start: '2024-02-24', end: '2024-03-04', cities: 2, jobs: 2 });
    const jobs = (await world.drainJobs()) as FetchJob[];
    expect(jobs.sort((a, b) => a.cityId.localeCompare(b.cityId))).toEqual([
      { v: 1, runId: 'refresh-2024-03-05', cityId: 'KBETA', city: 'Beta', lat: 44, lng: -69, start: '2024-02-24', end: '2024-03-04' },
      { v: 1, runId: 'refresh-2024-03-05', cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786, start: '2024-02-24', end: '2024-03-04' },
    ]);
    expect(logs.some((l) => l.text.includes('refresh-2024-03-05') && l.text.includes('"jobs":2'))).toBe(true);
    // Listed in GET /api/runs once for the day, however often the timer fires.
    await refreshRecent(deps(10, 366, '2024-03-05T09:00:00Z'), invocationContext('refreshRecent'));
    await world.drainJobs();
    const listed = (await world.deps().ledger.listRuns({ pageSize: 100 })).runs.filter((r) => r.runId === 'refresh-2024-03-05');
    expect(listed).toEqual([{ runId: 'refresh-2024-03-05', kind: 'refresh', at: '2024-03-05T00:00:00.000Z', citiesAccepted: 2, citiesRejected: 0, duplicateLines: 0, jobs: 2, cityDaysRequested: 20 }]);
  });

  it('takes the UTC day of now, not the local one, and splits by the fetch window', async () => {
    const summary = await refreshRecent(deps(3, 2, '2024-01-01T00:30:00+01:00'), invocationContext('refreshRecent'));
    expect(summary).toMatchObject({ runId: 'refresh-2023-12-31', start: '2023-12-28', end: '2023-12-30', jobs: 4 });
    const jobs = (await world.drainJobs()) as FetchJob[];
    expect(jobs.filter((j) => j.cityId === 'KBETA').map((j) => `${j.start}..${j.end}`).sort()).toEqual(['2023-12-28..2023-12-29', '2023-12-30..2023-12-30']);
  });
});

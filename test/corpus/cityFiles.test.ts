// Every bad city file of the corpus through the real onCityFile handler on Azurite: the good lines become jobs,
// each bad line is in rejected/<file>.errors.json with its number and reason, and nothing else is touched.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { isValidCityId } from '../../functions/core/aggregate/decodeCityDayEvent.ts';
import { eachDay } from '../../functions/core/dates.ts';
import type { FetchJob } from '../../functions/core/model.ts';
import { MAX_REPORTED_REJECTIONS, onCityFileMessage, type RejectionReport } from '../../functions/ingest/onCityFile.ts';
import { blobCreatedMessage, createIngestWorld, invocationContext, type IngestWorld } from '../functions/ingest/fixtures.ts';
import { cityCases, largeCityFile } from './cityCorpus.ts';

let world: IngestWorld;
beforeAll(async () => {
  world = await createIngestWorld(inject('azuriteConnectionString'), 'corpus');
});

async function ingest(name: string, bytes: Buffer) {
  const etag = await world.upload(name, bytes);
  const [summary] = await onCityFileMessage(blobCreatedMessage(world.resources.citiesContainer, name, etag), world.deps(), invocationContext('onCityFile'));
  const jobs = (await world.drainJobs()) as FetchJob[];
  return { summary: summary!, jobs, report: (await world.readReport(name)) as RejectionReport | undefined };
}

describe('the city-file corpus', () => {
  it.each(cityCases.map((c, i) => [c.name, i] as const))('%s: good lines go through, bad ones are reported by number and reason', async (_name, index) => {
    const corpus = cityCases[index]!;
    const { summary, jobs, report } = await ingest(`case-${index}.jsonl`, corpus.bytes);
    const notices = corpus.notices ?? [];
    expect(summary).toMatchObject({ accepted: corpus.accepted.length, rejected: corpus.rejected.length, duplicates: notices.length });
    // One city, one set of jobs: a repeated city is never fetched twice.
    expect([...new Set(jobs.map((job) => job.cityId))].sort()).toEqual([...corpus.accepted].sort());
    if (corpus.jobs) expect(jobs.map((job) => `${job.cityId} ${job.start}..${job.end}`).sort()).toEqual([...corpus.jobs].sort());
    const fetchedDays = new Set(jobs.flatMap((job) => eachDay(job.start, job.end).map((day) => `${job.cityId}|${day}`)));
    expect(fetchedDays.size).toBe(jobs.reduce((sum, job) => sum + eachDay(job.start, job.end).length, 0));
    // Every city id is a safe single path segment and Table key.
    for (const job of jobs) expect(isValidCityId(job.cityId)).toBe(true);
    if (corpus.rejected.length === 0 && notices.length === 0) {
      expect(report).toBeUndefined();
    } else {
      expect(report!.rejectedCount).toBe(corpus.rejected.length);
      expect(report!.rejected.map((r) => r.line)).toEqual(corpus.rejected.map(([line]) => line));
      report!.rejected.forEach((r, i) => expect(r.reason).toMatch(corpus.rejected[i]![1]));
      expect(report!.noticeCount).toBe(notices.length);
      expect(report!.notices.map((n) => n.line)).toEqual(notices.map(([line]) => line));
      report!.notices.forEach((n, i) => expect(n.notice).toMatch(notices[i]![1]));
    }
    const ledger = await world.deps().ledger.read(summary.runId);
    const days = jobs.reduce((sum, job) => sum + eachDay(job.start, job.end).length, 0);
    expect(ledger.file).toMatchObject({ citiesAccepted: corpus.accepted.length, duplicateLines: notices.length, jobs: jobs.length, cityDaysRequested: days });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('streams a 100,000-line file: 10 good cities through, 99,990 rejections counted and the first 10,000 reported', async () => {
    const { bytes, good } = largeCityFile();
    const { summary, jobs, report } = await ingest('large.jsonl', bytes);
    expect(summary).toMatchObject({ accepted: good, rejected: 100_000 - good, jobs: good });
    expect(jobs).toHaveLength(good);
    expect(report).toMatchObject({ rejectedCount: 100_000 - good, truncated: true });
    expect(report!.rejected).toHaveLength(MAX_REPORTED_REJECTIONS);
    expect(report!.rejected.slice(0, 2)).toEqual([{ line: 1, reason: expect.stringMatching(/^not valid JSON/) }, { line: 2, reason: 'lat must be between -90 and 90, got 95' }]);
    expect(new Set(report!.rejected.map((r) => r.reason.replace(/\d+/g, 'N').slice(0, 30))).size).toBeGreaterThanOrEqual(5);
  }, 60_000);
});

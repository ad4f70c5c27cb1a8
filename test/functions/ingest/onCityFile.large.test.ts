// The 100,000-line city file. Reading and planning run in the suite (seconds). The full handler sends 100,000
// queue messages, which Azurite accepts at only a few hundred per second, so it runs on demand:
// `npm run test:large` (INGEST_LARGE=1).
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createBlobStore } from '../../../functions/adapters/blobs.ts';
import { readCityFile } from '../../../functions/core/city/readCityFile.ts';
import { ingestCityFile } from '../../../functions/ingest/onCityFile.ts';
import { planFetchJobs } from '../../../functions/ingest/planFetchJobs.ts';
import { createIngestWorld, invocationContext, type IngestWorld } from './fixtures.ts';

const LINES = 100_000;
const BAD_EVERY = 10_000;

function bigCityFile(): Buffer {
  const lines: string[] = [];
  for (let i = 1; i <= LINES; i++) {
    const lat = ((i * 7919) % 17_000) / 100 - 85;
    const lng = ((i * 104_729) % 35_000) / 100 - 175;
    // A bad line every 10,000 so the rejection path runs at scale too.
    lines.push(i % BAD_EVERY === 0 ? `{"city": "Broken ${i}", "lat": "north", "lng": 0}` : `{"city": "Town ${i}, ST, USA", "lat":\t${lat}, "lng": ${lng}}`);
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** Runs `work` while sampling the heap every 10 ms; returns its result, seconds taken and peak MB over the start. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakMb: number }> {
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, seconds: (performance.now() - started) / 1000, peakMb: (peak - baseline) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

describe('ingestCityFile (100,000 lines)', () => {
  let world: IngestWorld;
  beforeAll(async () => {
    world = await createIngestWorld(inject('azuriteConnectionString'), 'big');
    await world.upload('big.jsonl', bigCityFile());
  });

  it('streams the file from the blob through the reader and the planner with bounded memory', async () => {
    const blobs = createBlobStore(world.blobService);
    const { result, seconds, peakMb } = await measured(async () => {
      const blob = await blobs.openRead(world.resources.citiesContainer, 'big.jsonl');
      let jobs = 0;
      let rejected = 0;
      for await (const line of readCityFile(blob!.stream)) {
        if (!line.ok) {
          rejected += 1;
          continue;
        }
        const plan = planFetchJobs({ city: line, fileRange: undefined, defaultRange: { start: '2023-01-01', end: '2023-08-30' }, windowDays: 366, now: new Date('2024-01-01T00:00:00Z'), runId: 'r' });
        if (plan.ok) jobs += plan.jobs.length;
      }
      return { jobs, rejected };
    });
    console.log(`100k-line city file, read + plan from Azurite: ${seconds.toFixed(2)} s, peak heap +${peakMb.toFixed(1)} MB`);
    expect(result).toEqual({ jobs: LINES - LINES / BAD_EVERY, rejected: LINES / BAD_EVERY });
    // The file is ~6 MB; the id→coordinates map for 100,000 cities is most of this figure.
    expect(peakMb).toBeLessThan(80);
  });

  it.runIf(process.env.INGEST_LARGE === '1')('sends a job and registers a city for each of the 99,990 good lines', { timeout: 1_800_000 }, async () => {
    const { result: summary, seconds, peakMb } = await measured(() => ingestCityFile('big.jsonl', world.deps({ sendConcurrency: 64 }), invocationContext('onCityFile')));
    console.log(`100k-line city file, full handler on Azurite: ${seconds.toFixed(1)} s (${(LINES / seconds).toFixed(0)} lines/s), peak heap +${peakMb.toFixed(1)} MB`);
    expect(summary).toMatchObject({ accepted: LINES - 10, rejected: 10, jobs: LINES - 10 });
    const { approximateMessagesCount } = await world.queueService.getQueueClient(world.resources.fetchJobsQueue).getProperties();
    expect(approximateMessagesCount).toBe(LINES - 10);
    expect(await world.readReport('big.jsonl')).toMatchObject({ rejectedCount: 10, rejected: expect.arrayContaining([{ line: BAD_EVERY, reason: 'lat must be a number, got a string' }]) });
    expect(peakMb).toBeLessThan(100);
  });
});

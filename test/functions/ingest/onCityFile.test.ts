import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cityFileRunId, onCityFileMessage } from '../../../functions/ingest/onCityFile.ts';
import type { FetchJob } from '../../../functions/core/model.ts';
import { blobCreatedMessage, createIngestWorld, invocationContext, type IngestWorld, type LogLine } from './fixtures.ts';

const SEED = readFileSync(new URL('../../../local/data/us50-2023/cities.jsonl', import.meta.url));

describe('onCityFileMessage', () => {
  let world: IngestWorld;
  beforeAll(async () => {
    world = await createIngestWorld(inject('azuriteConnectionString'), 'ocf');
  });

  it('turns the seed file into 50 cities, 50 jobs and no report', async () => {
    const etag = await world.upload('us50-2023/cities.jsonl', SEED);
    const logs: LogLine[] = [];
    const summaries = await onCityFileMessage(
      blobCreatedMessage(world.resources.citiesContainer, 'us50-2023/cities.jsonl', etag),
      world.deps(),
      invocationContext('onCityFile', logs),
    );
    const runId = cityFileRunId('us50-2023/cities.jsonl', etag);
    expect(summaries).toEqual([{ runId, file: 'us50-2023/cities.jsonl', accepted: 50, rejected: 0, duplicates: 0, jobs: 50 }]);
    expect(logs.some((l) => l.text.includes(runId) && l.text.includes('"accepted":50'))).toBe(true);

    const jobs = (await world.drainJobs()) as FetchJob[];
    expect(jobs).toHaveLength(50);
    expect(new Set(jobs.map((j) => j.cityId)).size).toBe(50);
    expect(jobs.find((j) => j.cityId === 'peabody-ma-usa')).toEqual({
      v: 1, runId, cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.536457, lng: -70.985786, start: '2023-01-01', end: '2023-08-30',
    });
    expect(jobs.find((j) => j.cityId === 'rolla-mo-usa')).toMatchObject({ lat: 37.951424, lng: -91.768959 });
    expect(jobs.every((j) => j.runId === runId && j.start === '2023-01-01' && j.end === '2023-08-30')).toBe(true);

    const entities = [];
    for await (const e of world.table.listEntities<{ city: string; lat: number; lng: number; updatedAt: Date }>()) entities.push(e);
    expect(entities).toHaveLength(50);
    expect(entities.find((e) => e.rowKey === 'newton-ma-usa')).toMatchObject({ partitionKey: 'city', city: 'Newton, MA, USA', lat: 42.341042, lng: -71.217133 });
    expect(new Date(entities[0]!.updatedAt).toISOString()).toBe('2024-06-15T08:00:00.000Z');
    expect(await world.readReport('us50-2023/cities.jsonl')).toBeUndefined();

    const ledger = await world.runs.getEntity(runId, 'file');
    expect(ledger).toMatchObject({ file: 'us50-2023/cities.jsonl', citiesAccepted: 50, citiesRejected: 0, jobs: 50, cityDaysRequested: 50 * 242 });
  });

  it('reports every bad line with its number and reason and still sends the good lines', async () => {
    const good = (city: string, lat: number, lng: number, extra = '') => `{"city": "${city}", "lat":\t${lat}, "lng": ${lng}${extra}}`;
    const lines = [
      `\uFEFF${good('Alpha, MA, USA', 42.1, -71.1)}`, // 1
      '', // 2 blank
      '{"city": "Truncated", "lat": 1', // 3
      '{"city": "Strings", "lat": "42.1", "lng": -71}', // 4
      '{"city": "NotANumber", "lat": NaN, "lng": -71}', // 5
      '{"city": "TooFarNorth", "lat": 91, "lng": -71}', // 6
      '{"city": "", "lat": 1, "lng": 1}', // 7
      JSON.stringify({ city: 'x'.repeat(200_000), lat: 1, lng: 1 }), // 8
      '{"__proto__": {"polluted": true}, "city": "Proto", "lat": 1, "lng": 1}', // 9
      '{"id": "../x", "city": "Path", "lat": 1, "lng": 1}', // 10
      good('Alpha, MA, USA', 40, -70), // 11 conflicting duplicate of line 1
      good('Alpha, MA, USA', 42.1, -71.1, ', "start": "2023-02-01", "end": "2023-02-28"'), // 12 same place again: fine
      '   \t', // 13 blank
      good('Beta, ME, USA', 44.5, -69.5, ', "id": "KBETA", "note": "extra fields are ignored"'), // 14
      '{"constructor": {"prototype": {"polluted": true}}, "city": "Ctor", "lat": 1, "lng": 1}', // 15
      '{"city": "Lng", "lat": 1, "lng": 180.5}', // 16
      good('Gamma, NH, USA', 43.2, -71.5), // 17, no final newline
    ];
    const etag = await world.upload('bad.jsonl', lines.join('\r\n'));
    const logs: LogLine[] = [];
    const [summary] = await onCityFileMessage([blobCreatedMessage(world.resources.citiesContainer, 'bad.jsonl', etag)], world.deps(), invocationContext('onCityFile', logs));

    // Alpha on line 12 is the same place as line 1: one city, its February inside line 1's range, a notice.
    expect(summary).toMatchObject({ accepted: 3, rejected: 11, duplicates: 1, jobs: 3 });
    const report = (await world.readReport('bad.jsonl')) as Record<string, unknown>;
    expect(report).toMatchObject({ file: 'bad.jsonl', etag, accepted: 3, rejectedCount: 11, noticeCount: 1, at: '2024-06-15T08:00:00.000Z' });
    expect(report.notices).toEqual([{ line: 12, notice: 'city id "alpha-ma-usa" is already on line 1, 2023-02-01..2023-02-28 included: nothing more to fetch, counted once' }]);
    expect(report.rejected).toEqual([
      { line: 3, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 4, reason: 'lat must be a number, got a string' },
      { line: 5, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 6, reason: 'lat must be between -90 and 90, got 91' },
      { line: 7, reason: 'city must not be empty' },
      { line: 8, reason: expect.stringMatching(/^the line is longer than 65536 bytes/) },
      { line: 9, reason: 'the key "__proto__" is not allowed' },
      { line: 10, reason: 'id must not contain /, \\, #, ? or control characters' },
      { line: 11, reason: expect.stringMatching(/^city id "alpha-ma-usa" already has other coordinates on line 1 /) },
      { line: 15, reason: 'the key "constructor" is not allowed' },
      { line: 16, reason: 'lng must be between -180 and 180, got 180.5' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const jobs = (await world.drainJobs()) as FetchJob[];
    expect(jobs.map((j) => `${j.cityId} ${j.start}..${j.end}`).sort()).toEqual([
      'KBETA 2023-01-01..2023-08-30',
      'alpha-ma-usa 2023-01-01..2023-08-30',
      'gamma-nh-usa 2023-01-01..2023-08-30',
    ]);
  });

  it('maps a redelivered event to the same run and removes a stale report once the file is clean', async () => {
    await world.upload('fixed.jsonl', '{"city": "Delta", "lat": 1, "lng": 1}\nnot json\n');
    const first = await onCityFileMessage(blobCreatedMessage(world.resources.citiesContainer, 'fixed.jsonl'), world.deps(), invocationContext('onCityFile'));
    const again = await onCityFileMessage(blobCreatedMessage(world.resources.citiesContainer, 'fixed.jsonl'), world.deps(), invocationContext('onCityFile'));
    expect(again[0]?.runId).toBe(first[0]?.runId);
    expect(await world.readReport('fixed.jsonl')).toMatchObject({ rejectedCount: 1, rejected: [{ line: 2 }] });

    await world.upload('fixed.jsonl', '{"city": "Delta", "lat": 1, "lng": 1}\n');
    const logs: LogLine[] = [];
    const fixed = await onCityFileMessage(blobCreatedMessage(world.resources.citiesContainer, 'fixed.jsonl'), world.deps(), invocationContext('onCityFile', logs));
    expect(fixed[0]?.runId).not.toBe(first[0]?.runId);
    expect(await world.readReport('fixed.jsonl')).toBeUndefined();
    expect(logs.some((l) => l.text.includes('removed the stale report'))).toBe(true);
    expect(await world.drainJobs()).toHaveLength(3);
    // The run list (GET /api/runs) has each run once, the redelivered one included, the newer upload first.
    const listed = (await world.deps().ledger.listRuns({ pageSize: 100 })).runs.filter((r) => r.file === 'fixed.jsonl');
    expect(listed.map((r) => r.runId)).toEqual([fixed[0]?.runId, first[0]?.runId]);
    expect(listed[1]).toMatchObject({ kind: 'file', citiesAccepted: 1, citiesRejected: 1, jobs: 1, at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });

  it('takes the file range from blob metadata and splits it into windows', async () => {
    await world.upload('meta.jsonl', '{"city": "Echo", "lat": 1, "lng": 1}\n', { start: '2022-12-30', end: '2023-01-03' });
    const [summary] = await onCityFileMessage(
      blobCreatedMessage(world.resources.citiesContainer, 'meta.jsonl'),
      world.deps({ config: { fetchWindowDays: 2, defaultRange: undefined } }),
      invocationContext('onCityFile'),
    );
    expect(summary).toMatchObject({ accepted: 1, rejected: 0, jobs: 3 });
    const jobs = (await world.drainJobs()) as FetchJob[];
    expect(jobs.map((j) => `${j.start}..${j.end}`).sort()).toEqual(['2022-12-30..2022-12-31', '2023-01-01..2023-01-02', '2023-01-03..2023-01-03']);
  });

  it('refuses a whole file whose metadata range is invalid, and rejects lines with no range at all', async () => {
    await world.upload('badmeta.jsonl', '{"city": "Foxtrot", "lat": 1, "lng": 1}\n', { start: '2023-02-30', end: '2023-03-01' });
    await world.upload('norange.jsonl', '{"city": "Golf", "lat": 1, "lng": 1}\n');
    const deps = world.deps({ config: { fetchWindowDays: 366, defaultRange: undefined } });
    const summaries = await onCityFileMessage(
      [blobCreatedMessage(world.resources.citiesContainer, 'badmeta.jsonl'), blobCreatedMessage(world.resources.citiesContainer, 'norange.jsonl')],
      deps,
      invocationContext('onCityFile'),
    );
    expect(summaries.map((s) => [s.accepted, s.rejected, s.jobs])).toEqual([[0, 1, 0], [0, 1, 0]]);
    expect(await world.readReport('badmeta.jsonl')).toMatchObject({ rejected: [{ line: 0, reason: 'blob metadata start must be a calendar date YYYY-MM-DD, got "2023-02-30"' }] });
    expect(await world.readReport('norange.jsonl')).toMatchObject({ rejected: [{ line: 1, reason: expect.stringMatching(/^no date range: set start\/end on the line/) }] });
    expect(await world.drainJobs()).toEqual([]);
  });

  it.each([
    ['another container', () => blobCreatedMessage('elsewhere', 'x.jsonl'), /in container elsewhere/],
    ['a deleted blob', (w: IngestWorld) => blobCreatedMessage(w.resources.citiesContainer, 'gone.jsonl'), /no longer exists/],
    ['a BlobDeleted event', (w: IngestWorld) => ({ ...blobCreatedMessage(w.resources.citiesContainer, 'x.jsonl'), eventType: 'Microsoft.Storage.BlobDeleted' }), /not Microsoft.Storage.BlobCreated/],
    ['a path-like blob name', (w: IngestWorld) => blobCreatedMessage(w.resources.citiesContainer, '../x.jsonl'), /"\.\." path segment/],
    ['a message that is not JSON', () => 'hello', /not JSON/],
  ])('logs and completes on %s without sending anything', async (_what, message, warning) => {
    const logs: LogLine[] = [];
    await expect(onCityFileMessage(message(world), world.deps(), invocationContext('onCityFile', logs))).resolves.toEqual([]);
    expect(logs.filter((l) => l.level === 'warning').map((l) => l.text).join('\n')).toMatch(warning);
    expect(await world.drainJobs()).toEqual([]);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runPipeline, type PipelineOptions } from '../../../local/cli/runPipeline.ts';
import { referenceRows, seedCities, type ReferenceRow } from './recordedReference.ts';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));

function capture(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

async function run(file: string, lines: string[], options: Partial<PipelineOptions> = {}) {
  const cities = join(dir, file);
  writeFileSync(cities, lines.join('\n'));
  const stdout = capture();
  const stderr = capture();
  const result = await runPipeline({ cities, start: '2023-02-20', end: '2023-03-05', offline: true, env: {}, stdout, stderr, timeoutMs: 60_000, ...options });
  return { result, stdout: stdout.text(), stderr: stderr.text() };
}

function expectRowsEqual(actual: readonly object[], expected: readonly ReferenceRow[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, i) => {
    const { mean, ...exact } = row;
    expect(actual[i]).toMatchObject(exact);
    expect((actual[i] as { mean: number }).mean).toBeCloseTo(mean, 9);
  });
}

describe('runPipeline', () => {
  it('aggregates recorded data for several cities exactly as an independent computation, and writes the JSON and the chart', async () => {
    const picked = [seedCities[0]!, seedCities[7]!, seedCities[21]!, seedCities[40]!];
    const json = join(dir, 'out', 'aggregates.json');
    const { result, stdout } = await run('four.jsonl', picked.map((c) => JSON.stringify(c)), { json });
    const expected = picked
      .flatMap((c) => referenceRows(c, [['2023-02-20', '2023-03-05']]))
      .sort((a, b) => (a.city < b.city ? -1 : a.city > b.city ? 1 : a.year - b.year || a.month - b.month));
    const written = JSON.parse(readFileSync(json, 'utf8')) as object[];
    expectRowsEqual(written, expected);
    expect(Object.keys(written[0]!)).toEqual(['city', 'year', 'month', 'min', 'max', 'mean', 'count', 'missingHours']);
    expect(result.rejections.total).toBe(0);
    expect(result.apiCalls).toBe(4);
    expect(stdout).toMatch(/^city\s+year\s+month\s+min\s+max\s+mean$/m);
    expect(stdout).toContain(`${picked[0]!.city}`);
    // The chart file carries every city's months and, embedded, its days (a file cannot ask the API).
    const page = readFileSync(join(dir, 'out', 'dashboard.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="dashboard-data">([^<]*)<\/script>/.exec(page)![1]!) as { months: string[]; cities: unknown[]; days: Record<string, Record<string, unknown[]>> };
    expect(data.months).toEqual(['2023-02', '2023-03']);
    expect(data.cities).toHaveLength(4);
    expect(Object.values(data.days).map((byMonth) => Object.values(byMonth).flat().length)).toEqual([14, 14, 14, 14]);
    expect(result.ledger).toMatchObject({ state: 'complete', balanced: true, cities: { accepted: 4, rejected: 0 }, cityDays: { requested: 4 * 14, aggregated: 4 * 14, deadLettered: 0 } });
    expect(stdout).toContain('city-days requested 56 = aggregated 56 + dead-lettered 0 + not fetched 0');
  });

  it('fetches the overlap of two ranges of one city again but counts each day once', async () => {
    const city = seedCities[3]!;
    const lines = [
      JSON.stringify({ ...city, start: '2023-01-10', end: '2023-02-05' }),
      JSON.stringify({ ...city, start: '2023-01-25', end: '2023-02-14' }),
    ];
    const { result } = await run('overlap.jsonl', lines);
    expect(result.apiCalls).toBe(2);
    expectRowsEqual(result.rows, referenceRows(city, [['2023-01-10', '2023-02-05'], ['2023-01-25', '2023-02-14']]));
    expect(result.rows.map((r) => r.count)).toEqual([22 * 24, 14 * 24]);
    // Two jobs ask for 27 + 21 city-days; 36 distinct days are aggregated and every requested day is among them.
    expect(result.ledger).toMatchObject({ balanced: true, cityDays: { requested: 48, aggregated: 48, unaccounted: 0 } });
  });

  it('ends with the --group-by query over the run\'s cities, and writes the month rows as CSV too', async () => {
    const picked = [seedCities[2]!, seedCities[30]!];
    const csv = join(dir, 'out2', 'aggregates.csv');
    const { result, stdout } = await run('grouped.jsonl', picked.map((c) => JSON.stringify(c)), { csv, groupBy: { city: false, time: 'month' } });
    const reference = picked.flatMap((c) => referenceRows(c, [['2023-02-20', '2023-03-05']]));
    const lines = stdout.split('\n');
    expect(lines).toContain("groupBy year,month over this run's 2 cities, 2023-02..2023-03 (°C):");
    for (const month of [2, 3]) {
      const rows = reference.filter((r) => r.month === month);
      const coldest = rows.reduce((a, b) => (b.min < a.min ? b : a));
      const warmest = rows.reduce((a, b) => (b.max > a.max ? b : a));
      const line = lines.find((l) => l.startsWith(`| 2023 |    0${month} |`));
      expect(line?.split('|').map((c) => c.trim()).slice(3, 7)).toEqual([coldest.min.toFixed(2), coldest.city, warmest.max.toFixed(2), warmest.city]);
    }
    expect(stdout).toContain('2 rows in set');
    expect(stdout).not.toMatch(/^city\s+year\s+month/m);
    expect(stdout).toContain(`CSV:   ${csv}`);
    const csvLines = readFileSync(csv, 'utf8').split('\r\n');
    expect(csvLines[0]).toBe('city,year,month,min,max,mean,count,missingHours');
    expect(csvLines).toHaveLength(result.rows.length + 2);
    expect(csvLines[1]).toBe(`"${result.rows[0]!.city}",${result.rows[0]!.year},${result.rows[0]!.month},${result.rows[0]!.min},${result.rows[0]!.max},${result.rows[0]!.mean},${result.rows[0]!.count},0`);
  });

  it('prints rejected lines with their numbers and reasons and still completes with the good lines', async () => {
    const good = seedCities[5]!;
    const lines = [JSON.stringify(good), '{"city": "Nowhere", "lat": 123, "lng": 0}', 'not json at all', '', JSON.stringify({ lat: 1, lng: 2 })];
    const { result, stdout } = await run('bad.jsonl', lines, { start: '2023-03-01', end: '2023-03-03' });
    expect(result.rejections.total).toBe(3);
    expect(result.rejections.rejected.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(result.ledger).toMatchObject({ balanced: true, cities: { accepted: 1, rejected: 3 }, cityDays: { requested: 3, aggregated: 3 } });
    expect(stdout).toMatch(/3 rejected lines in bad\.jsonl:\n {2}line 2: .*lat.*\n {2}line 3: .+\n {2}line 5: .*city/);
    expectRowsEqual(result.rows, referenceRows(good, [['2023-03-01', '2023-03-03']]));
  });

  it.each([
    [{ cities: '/nonexistent/cities.jsonl' }, 'E_FILE', /does not exist/],
    [{ start: '2023-02-30' }, 'E_USAGE', /--start must be a date/],
    [{ start: '2023-03-05', end: '2023-03-01' }, 'E_USAGE', /is after --end/],
  ])('rejects %j with %s before starting anything', async (override, code, message) => {
    const cities = join(dir, 'ok.jsonl');
    writeFileSync(cities, JSON.stringify(seedCities[0]));
    await expect(runPipeline({ cities, start: '2023-03-01', end: '2023-03-02', env: {}, ...override })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

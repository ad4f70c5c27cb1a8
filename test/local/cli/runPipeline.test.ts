import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { capture } from './capture.ts';
import { describe, expect, it } from 'vitest';
import { runPipeline, type PipelineOptions } from '../../../local/cli/runPipeline.ts';
import { referenceRows, seedCities, type ReferenceRow } from './recordedReference.ts';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));


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

  it('merges overlapping ranges of one city: each day is fetched once and counted once', async () => {
    const city = seedCities[3]!;
    const lines = [
      JSON.stringify({ ...city, start: '2023-01-10', end: '2023-02-05' }),
      JSON.stringify({ ...city, start: '2023-01-25', end: '2023-02-14' }),
    ];
    const { result, stdout } = await run('overlap.jsonl', lines);
    expect(result.apiCalls).toBe(1);
    expectRowsEqual(result.rows, referenceRows(city, [['2023-01-10', '2023-02-14']]));
    expect(result.rows.map((r) => r.count)).toEqual([22 * 24, 14 * 24]);
    expect(result.ledger).toMatchObject({ balanced: true, cities: { accepted: 1, duplicateLines: 1 }, cityDays: { requested: 36, aggregated: 36, unaccounted: 0 } });
    expect(stdout).toMatch(/1 notice for overlap\.jsonl:\n {2}line 2: city id "[^"]+" is already on line 1: 2023-01-25\.\.2023-02-14 merged with its range \(9 more days; each day fetched once\)/);
  });

  it('takes a file whose last line repeats its first: balanced, distinct cities counted, the repeat named as a notice', async () => {
    const picked = [seedCities[0]!, seedCities[1]!, seedCities[2]!];
    const lines = [...picked.map((c) => JSON.stringify(c)), JSON.stringify(picked[0])];
    const { result, stdout } = await run('repeat.jsonl', lines, { start: '2023-03-01', end: '2023-03-04' });
    expect(result.apiCalls).toBe(3);
    expect(result.rejections.total).toBe(0);
    expect(result.ledger).toMatchObject({ state: 'complete', balanced: true, cities: { accepted: 3, rejected: 0, duplicateLines: 1 }, jobs: { planned: 3, done: 3, pending: 0 }, cityDays: { requested: 12, aggregated: 12 } });
    expect(stdout).toContain('Run ');
    expect(stdout).toMatch(/3 cities accepted \(1 repeated line merged\), 0 lines rejected, 3 jobs/);
    expect(stdout).toMatch(/1 notice for repeat\.jsonl:\n {2}line 4: city id "peabody-ma-usa" is already on line 1/);
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
    expect(csvLines[0]).toBe('city,year,month,min,max,mean,count,missingHours,synthetic');
    expect(csvLines).toHaveLength(result.rows.length + 2);
    expect(csvLines[1]).toBe(`"${result.rows[0]!.city}",${result.rows[0]!.year},${result.rows[0]!.month},${result.rows[0]!.min},${result.rows[0]!.max},${result.rows[0]!.mean},${result.rows[0]!.count},0,`);
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

  it('prints input that carries terminal escapes (OSC title, clear screen, bidi override) as visible escapes', async () => {
    const good = seedCities[6]!;
    const lines = [
      JSON.stringify(good),
      '\u001b]0;pwned\u0007 not json',
      '{"city": "\u001b[2J", "lat": 1, "lng": 1}',
      JSON.stringify({ city: 'Evil\u202eassa', lat: 0, lng: 'x\u001b[31m' }),
    ];
    const { result, stdout, stderr } = await run('esc.jsonl', lines, { start: '2023-03-01', end: '2023-03-01' });
    expect(result.rejections.total).toBe(3);
    // eslint-disable-next-line no-control-regex -- asserting that none reach the terminal
    const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
    expect(stdout).not.toMatch(unsafe);
    expect(stderr).not.toMatch(unsafe);
    expect(stdout).toContain('line 2: not valid JSON: Unexpected token \'\\x1b\', "\\x1b]0;pwned\\x07 not json" is not valid JSON');
  });

  it('refuses an offline run the recording does not cover, naming each line, before starting anything', async () => {
    const cities = join(dir, 'world.jsonl');
    writeFileSync(cities, [
      JSON.stringify(seedCities[0]),
      JSON.stringify({ city: 'Reykjavik, IS', lat: 64.1466, lng: -21.9426 }),
      JSON.stringify({ ...seedCities[1], start: '2023-08-01', end: '2023-09-15' }),
      '{"city": "Broken", "lat": "x", "lng": 0}',
    ].join('\n'));
    // Settings pointing nowhere: had anything started, it would have failed differently.
    const env = { STORAGE: 'UseDevelopmentStorage=true;BlobEndpoint=http://127.0.0.1:1/x', EVENTHUB: 'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b' };
    const error = await runPipeline({ cities, start: '2023-01-01', end: '2023-01-31', offline: true, env }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_OFFLINE' });
    const message = (error as Error).message;
    expect(message).toContain('--offline has recorded data only for the bundled cities from 2023-01-01 to 2023-08-30; 2 lines ask for more:');
    expect(message).toContain('line 2 (Reykjavik, IS): no recorded grid cell within 0.5° of 64.1466, -21.9426');
    expect(message).toContain(`line 3 (${seedCities[1]!.city}): 2023-08-01..2023-09-15 is not within the recording's 2023-01-01..2023-08-30`);
    expect(message).toMatch(/--synthetic/);
    expect(message).not.toContain('line 1 ');
  });

  it('with --synthetic, marks what it made up in the table, the JSON, the dashboard and the ledger', async () => {
    const json = join(dir, 'synthetic', 'aggregates.json');
    const lines = [JSON.stringify(seedCities[0]), JSON.stringify({ city: 'Reykjavik, IS', lat: 64.1466, lng: -21.9426 })];
    const { result, stdout, stderr } = await run('synthetic.jsonl', lines, { start: '2023-01-01', end: '2023-01-03', synthetic: true, json });
    expect(stderr).toContain('Open-Meteo stand-in (recorded data; SYNTHETIC data where the recording has none)');
    expect(stdout).toMatch(/^Reykjavik, IS \[SYNTHETIC\]\s+2023\s+01/m);
    expect(stdout).toMatch(new RegExp(`^${seedCities[0]!.city.replace(/[.,]/g, '.')}\\s+2023`, 'm'));
    expect(stdout).toContain('[SYNTHETIC]: made up by the Open-Meteo stand-in (--synthetic), not weather');
    const written = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>[];
    expect(written.map((r) => [r.city, r.synthetic])).toEqual([[seedCities[0]!.city, undefined], ['Reykjavik, IS', true]]);
    expect(readFileSync(join(dir, 'synthetic', 'dashboard.html'), 'utf8')).toContain('Synthetic data: 1 of 2 cities');
    expect(result.ledger).toMatchObject({ balanced: true, cityDays: { requested: 6, fetched: 6, synthetic: 3 } });
    expect(stdout).toContain('3 SYNTHETIC: made up by the stand-in, not weather');
  });

  it.each([
    ['an unresolvable host', 'https://archive-api.example.invalid/v1/archive', /ENOTFOUND|EAI_AGAIN/],
    ['a closed port', 'http://127.0.0.1:1/v1/archive', /ECONNREFUSED/],
  ])('without --offline and with %s, stops at once and names --offline and WEATHER_API_URL', async (_what, url, cause) => {
    const cities = join(dir, 'network.jsonl');
    writeFileSync(cities, JSON.stringify(seedCities[0]));
    const started = Date.now();
    const error = (await runPipeline({ cities, start: '2023-03-01', end: '2023-03-02', env: { WEATHER_API_URL: url } }).then(() => undefined, (e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(error).toMatchObject({ code: 'E_NETWORK' });
    expect(error.message).toMatch(cause);
    expect(error.message).toMatch(/run with --offline/);
    expect(error.message).toMatch(/set WEATHER_API_URL/);
  });

  it('stops within a minute when the API went away after the start: every attempt of the first jobs failed to connect', async () => {
    // Accepts the CLI's first connection (its check before starting), then closes for good.
    const server = createServer((socket) => {
      socket.destroy();
      server.close();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/archive`;
    const started = Date.now();
    const lines = [0, 1, 2].map((i) => JSON.stringify(seedCities[i]));
    const error = (await run('gone.jsonl', lines, { offline: false, env: { WEATHER_API_URL: url }, log: () => undefined }).then(() => undefined, (e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(error).toMatchObject({ code: 'E_NETWORK', message: expect.stringMatching(/ECONNREFUSED.*: every attempt of the first 3 fetch jobs failed to connect/) });
    expect(error.message).toMatch(/--offline/);
  }, 90_000);

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

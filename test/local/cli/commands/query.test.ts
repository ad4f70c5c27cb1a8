// `npm run query` against an Azurite of its own (the app's fixed table names), in process and as a real process.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../../../functions/adapters/aggregateTable.ts';
import { dayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { runQuery } from '../../../../local/cli/commands/query.ts';
import { startAzurite, type RunningAzurite } from '../../../../local/azurite.ts';
import { makeEvent } from '../../../functions/core/aggregate/makeEvent.ts';
import { capture } from '../capture.ts';

const exec = promisify(execFile);
const repo = new URL('../../../../', import.meta.url).pathname;
let azurite: RunningAzurite;
let beforeAnyTable: { code: number; stdout: string; stderr: string };

async function query(argv: string[], env: Record<string, string | undefined> = { STORAGE: azurite.connectionString }) {
  const stdout = capture();
  const stderr = capture();
  const code = await runQuery({ argv: [...argv, '--settings', '/nonexistent/local.settings.json'], env, stdout, stderr, now: new Date('2023-06-15T00:00:00Z') });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const day = (date: string, base: number) => dayRecord(makeEvent({ date, hourly: Array.from({ length: 24 }, (_, h) => (h === 3 ? null : base + h)) }));

beforeAll(async () => {
  azurite = await startAzurite();
  beforeAnyTable = await query(['--from', '2023-01', '--to', '2023-02']);
  const client = (name: string) => TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
  await client('aggregates').createTable();
  await client('cities').createTable();
  const aggregates = createAggregateTable(client('aggregates'));
  const cities = [
    ['duluth-mn-usa', 'Duluth, MN, USA', 46.8, -92.1, -20],
    ['phoenix-az-usa', 'Phoenix, AZ, USA', 33.4, -112.1, 5],
    ['salem-ma-usa', 'Salem, MA, USA', 42.5, -70.9, -5],
  ] as const;
  for (const [cityId, city, lat, lng, base] of cities) {
    await client('cities').createEntity({ partitionKey: 'city', rowKey: cityId, city, lat, lng });
    await aggregates.applyCity(cityId, { city, lat, lng }, new Map([
      ['2023-01', [day('2023-01-10', base), day('2023-01-11', base + 1)]],
      ['2023-02', [day('2023-02-01', base + 10)]],
    ]));
  }
}, 60_000);

afterAll(async () => {
  await azurite?.close();
});

describe('runQuery', () => {
  it('answers an empty set, with a word on stderr, before the app has written any aggregate', () => {
    expect(beforeAnyTable).toEqual({ code: 0, stdout: 'Empty set\n', stderr: expect.stringContaining('No aggregates yet') as string });
  });

  it('prints the seed query across every city boxed like Flink, with °C and where each extreme was', async () => {
    const { code, stdout } = await query(['--from', '2023-01', '--to', '2023-03']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '+------+-------+--------+-----------------+--------+------------------+---------+-----------+--------+',
      '| year | month | min °C | coldest         | max °C | warmest          | mean °C | missing h | cities |',
      '+------+-------+--------+-----------------+--------+------------------+---------+-----------+--------+',
      // Jan: 3 cities × (46 × base + 569) over 138 hours; Feb: 23 × (base + 10) + 273 each over 69 hours.
      '| 2023 |    01 | -20.00 | Duluth, MN, USA |  29.00 | Phoenix, AZ, USA |    5.70 |         6 |      3 |',
      '| 2023 |    02 | -10.00 | Duluth, MN, USA |  38.00 | Phoenix, AZ, USA |   15.20 |         3 |      3 |',
      '+------+-------+--------+-----------------+--------+------------------+---------+-----------+--------+',
      '2 rows in set',
      '',
    ]);
  });

  it('groups by city and day for the listed cities, a name with commas quoted', async () => {
    const { stdout } = await query(['--group-by', 'city,day', '--city', '"Salem, MA, USA",duluth-mn-usa', '--from', '2023-01', '--to', '2023-01']);
    const lines = stdout.split('\n');
    expect(lines[1]).toMatch(/^\| city +\| year \| month \| day \| min °C \| max °C \| mean °C \| missing h \|$/);
    expect(lines.filter((l) => l.startsWith('| Duluth') || l.startsWith('| Salem')).map((l) => l.split('|').slice(1, 6).map((c) => c.trim()))).toEqual([
      ['Duluth, MN, USA', '2023', '01', '10', '-20.00'],
      ['Duluth, MN, USA', '2023', '01', '11', '-19.00'],
      ['Salem, MA, USA', '2023', '01', '10', '-5.00'],
      ['Salem, MA, USA', '2023', '01', '11', '-4.00'],
    ]);
    expect(lines.at(-2)).toBe('4 rows in set');
  });

  it('writes CSV and JSON with every column, as the API does; one city gives that city\'s rows', async () => {
    const csv = await query(['--format', 'csv', '--city', 'phoenix-az-usa', '--from', '2023-01', '--to', '2023-02']);
    expect(csv.stdout.split('\r\n')[0]).toBe('cityId,city,lat,lng,period,year,month,min,max,mean,sum,count,missingHours,days,minAt,maxAt');
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^phoenix-az-usa,"Phoenix, AZ, USA",33.4,-112.1,2023-01,2023,1,5,29,/);
    const json = JSON.parse((await query(['--format', 'json', '--group-by', 'all', '--bbox', '40,-100,50,-60', '--from', '2023-01', '--to', '2023-02'])).stdout) as { groupBy: string; rows: Record<string, unknown>[] };
    expect(json.groupBy).toBe('all');
    expect(json.rows).toMatchObject([{ period: '2023-01..2023-02', cities: 2, min: -20, minCityId: 'duluth-mn-usa', max: 28, maxCityId: 'salem-ma-usa' }]);
  });

  it('queries the 120 months up to this month when no range is given', async () => {
    const { stdout } = await query(['--group-by', 'year', '--format', 'json']);
    expect(JSON.parse(stdout)).toMatchObject({ from: '2013-07', to: '2023-06', rows: [{ period: '2023', cities: 3 }] });
  });

  it.each([
    [['--group-by', 'week'], 'E_USAGE', /--group-by: groupBy must be a comma list/],
    [['--from', '2023-13'], 'E_USAGE', /--from: from must be a month/],
    [['--from', '2000-01', '--to', '2023-01'], 'E_USAGE', /--to: from\.\.to spans 277 months/],
    [['--bbox', '1,2,3'], 'E_USAGE', /--bbox: bbox must be/],
    [['--city', 'atlantis'], 'E_USAGE', /--city: no such city: "atlantis"/],
    [['--format', 'xml'], 'E_USAGE', /--format must be table, csv or json/],
    [['--bogus'], 'E_USAGE', /Unknown option/],
  ])('refuses %j with %s', async (argv, code, message) => {
    await expect(query(argv)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('names a local.settings.json that is not JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'query-')), 'local.settings.json');
    writeFileSync(file, '{ not json');
    const stdout = capture();
    await expect(runQuery({ argv: ['--settings', file], env: {}, stdout, stderr: capture() })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(file) });
  });

  it('says how to configure storage when nothing names it', async () => {
    await expect(query([], {})).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/STORAGE.*local\.settings\.sample\.json/s) });
  });
});

describe('npm run query', () => {
  it('runs as a real process with the table on stdout', async () => {
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^STORAGE/.test(k))), STORAGE: azurite.connectionString };
    const { stdout } = await exec('npm', ['run', '--silent', 'query', '--', '--from', '2023-01', '--to', '2023-02', '--group-by', 'month'], { cwd: repo, env, timeout: 60_000 });
    expect(stdout).toContain('| year | month | min °C | coldest');
    expect(stdout).toContain('2 rows in set');
  }, 70_000);
});

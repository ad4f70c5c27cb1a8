// `npm run host` and `npm run upload` as a user runs them, each its own process, against emulators of their own:
// the upload starts no app, the host does the run once and says so line by line (timestamped, one line per
// invocation with its ids, the run id when the file is picked up), and GET /api/runs lists the run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../../../local/azurite.ts';
import { start as startEventHubs, type RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { startOpenMeteoStandIn, type RunningStandIn } from '../../../../local/openmeteo/standIn.ts';
import { killLaunched, launch } from '../../cliProcess.ts';
import { waitUntil } from '../../../waitUntil.ts';
import { seedCities } from '../recordedReference.ts';

const MAIN = new URL('../../../../local/cli/main.ts', import.meta.url).pathname;
const KEY = 'upload-test-function-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'upload-'));
let azurite: RunningAzurite;
let eventHubs: RunningEmulator;
let standIn: RunningStandIn;
let env: Record<string, string>;

beforeAll(async () => {
  [azurite, eventHubs, standIn] = await Promise.all([startAzurite(), startEventHubs({ port: 0 }), startOpenMeteoStandIn({ availableUntil: '2024-12-31' })]);
  env = {
    STORAGE: azurite.connectionString, EVENTHUB: eventHubs.connectionString, WEATHER_API_URL: standIn.url,
    LOCAL_FUNCTION_KEY: KEY, LOCAL_MASTER_KEY: `${KEY}-master`, FETCH_WINDOW_DAYS: '366',
  };
});
afterEach(() => killLaunched());
afterAll(async () => {
  await Promise.all([azurite?.close(), eventHubs?.close(), standIn?.close()]);
});

/** The user's environment without connections of its own, plus this test's services. */
const childEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(STORAGE|EVENTHUB|WEATHER_API_)/.test(key))),
  ...env,
});

describe('npm run upload', () => {
  it('uploads to the running host, which runs the file once and logs each invocation; the upload prints the balanced ledger', async () => {
    const host = launch(MAIN, ['host', '--port', '0', '--settings', join(dir, 'none.json')], { env: childEnv() });
    await waitUntil(() => host.output().includes('Ctrl-C to stop.'), 60_000, 'the host to start');
    const url = /HTTP:\s+(\S+)\/…/.exec(host.output())?.[1];
    const file = join(dir, 'two.jsonl');
    writeFileSync(file, [JSON.stringify(seedCities[4]), JSON.stringify(seedCities[9]), JSON.stringify(seedCities[4])].join('\n'));

    const upload = launch(MAIN, ['upload', '--cities', file, '--start', '2023-04-01', '--end', '2023-04-10', '--settings', join(dir, 'none.json')], { env: childEnv() });
    const done = await upload.finished;
    expect(done.stderr).toMatch(/^Uploaded two\.jsonl to cities\/ at \S+ \(2023-04-01\.\.2023-04-10\) as run file-[0-9a-f]{24}; waiting for the app$/m);
    expect(done.code, done.stderr).toBe(0);
    const runId = /as run (file-[0-9a-f]{24})/.exec(done.stderr)![1]!;
    expect(done.stdout).toContain(`Run ${runId}: 2 cities accepted (1 repeated line merged), 0 lines rejected, 2 jobs`);
    expect(done.stdout).toContain('city-days requested 20 = aggregated 20 + dead-lettered 0 + not fetched 0');
    expect(done.stdout).toContain('balanced');
    expect(done.stdout).toMatch(/1 notice for two\.jsonl:\n {2}line 3: /);
    // The upload started nothing: the host's stand-in calls are the run's two jobs, its one onCityFile is the only one.
    expect(done.stderr + done.stdout).not.toMatch(/Started|Azurite|emulator/);
    expect(standIn.stats().calls).toBe(2);

    await waitUntil(() => /Executed 'aggregateTemperatures' \(Succeeded/.test(host.output()), 30_000, 'the aggregator line');
    const lines = host.output().split('\n').filter((line) => line.includes('Executed '));
    // One line per invocation, timestamped, with the function, outcome, id, duration and the trigger's ids.
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[\w+:[0-9a-f]{8}\] Executed '\w+' \((Succeeded|Failed), Id=[0-9a-f-]{36}, Duration=\d+ms\)/);
    expect(lines.filter((line) => line.includes("Executed 'onCityFile'"))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("Executed 'onCityFile'"))[0]).toContain('blob=cities/two.jsonl');
    expect(lines.filter((line) => line.includes("Executed 'fetchCityWeather'") && line.includes(`run=${runId}`))).toHaveLength(2);
    expect(lines.some((line) => line.includes(`run=${runId} city=${seedCities[4]!.city.toLowerCase().replace(/[^a-z0-9]+/g, '-')} 2023-04-01..2023-04-10`))).toBe(true);
    expect(lines.some((line) => /Executed 'aggregateTemperatures' \(Succeeded.* partition=\d+ events=\d+ sequence=\d+\.\.\d+/.test(line))).toBe(true);
    expect(host.output()).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\S+Z \\[onCityFile:[0-9a-f]{8}\\] onCityFile: picked up cities/two\\.jsonl as run ${runId}$`, 'm'));

    const runs = (await (await fetch(`${url}/runs?pageSize=5`, { headers: { 'x-functions-key': KEY } })).json()) as { runs: { runId: string; file: string }[] };
    expect(runs.runs[0]).toMatchObject({ runId, file: 'two.jsonl', citiesAccepted: 2, duplicateLines: 1, jobs: 2, cityDaysRequested: 20, ledger: `/api/runs/${runId}` });
    host.child.kill('SIGINT');
    expect((await host.finished).code).toBe(0);
  }, 180_000);

  it('says no app picked the file up when none is running, and exits 2', async () => {
    const file = join(dir, 'lonely.jsonl');
    writeFileSync(file, JSON.stringify(seedCities[1]));
    const upload = launch(MAIN, ['upload', '--cities', file, '--settings', join(dir, 'none.json'), '--wait-for-app', '2'], { env: childEnv() });
    const done = await upload.finished;
    expect(done.code).toBe(2);
    expect(done.stderr).toContain('error E_NO_APP: No app picked up cities/lonely.jsonl within');
    expect(done.stderr).toContain('npm run host');
    expect(done.stderr).not.toMatch(/AccountKey|Eby8/);
  }, 60_000);
});

// The whole CLI (`npm run pipeline`) killed with SIGKILL mid-run, then run again on the same file. With STORAGE and
// EVENTHUB set (emulators that outlive the CLI, as `npm run emulators` gives), the second run uploads the file as a
// new run and finishes the first one's jobs too: both ledgers balance and no day is counted twice. Without them the
// CLI starts its own emulators, in memory: the kill must take its Azurite down with it, and the re-run starts clean.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../functions/config/settings.ts';
import { cityFileRunId } from '../../functions/ingest/onCityFile.ts';
import { readRunLedger } from '../../local/cli/runLedger.ts';
import { KILL_HOOK } from './killHarness.ts';
import { CITIES, captureLog, expectedRows, RANGE, readRows, rowsMatch, startHost, waitUntil } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

const MAIN = fileURLToPath(new URL('../../local/cli/main.ts', import.meta.url));
const FILE_NAME = 'cli-killed.jsonl';

let world: FaultWorld | undefined;
let dir: string | undefined;
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await world?.close();
  world = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function pipeline(file: string, env: Record<string, string | undefined>, nodeArgs: string[] = []): Cli {
  const child = spawn(process.execPath, [...nodeArgs, MAIN, 'pipeline', '--cities', file, '--start', RANGE.start, '--end', RANGE.end, '--timeout', '240'], {
    env: { ...process.env, STORAGE: undefined, EVENTHUB: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

function cityFile(): string {
  dir = mkdtempSync(join(tmpdir(), 'cli-kill-'));
  const file = join(dir, FILE_NAME);
  writeFileSync(file, `${CITIES.map((c) => JSON.stringify(c)).join('\n')}\n`);
  return file;
}

/** Process ids whose parent is `pid` (Linux `ps`). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run pipeline killed with SIGKILL and run again on the same file', () => {
  it('against emulators that outlive it: the re-run finishes both runs, every day counted once', async () => {
    world = await startFaultWorld({ latencyMs: 100 });
    const running = world;
    const file = cityFile();
    const reader = startHost(running, captureLog()); // never started: its clients read what the CLI left
    const total = expectedRows().reduce((sum, row) => sum + row.count, 0);
    // 0 until the CLI has created the tables.
    const readings = async () => (await readRows(reader).catch(() => [])).reduce((sum, row) => sum + row.count, 0);

    // The first run's host leases messages for 5 s instead of 10 minutes (killHook.ts), so they come back soon.
    const first = pipeline(file, { ...running.settings, KILL_QUEUE_LEASE_SECONDS: '5' }, ['--import', KILL_HOOK]);
    await waitUntil(async () => (await readings()) > 0, 120_000, 'the first run to aggregate something');
    const blob = reader.app.clients.blobService().getContainerClient(RESOURCES.citiesContainer).getBlobClient(FILE_NAME);
    const firstRun = cityFileRunId(FILE_NAME, (await blob.getProperties()).etag ?? '');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await readings();
    expect(atKill).toBeLessThan(total);
    expect((await readRunLedger(reader.app.clients, firstRun)).state).toBe('running');

    const second = pipeline(file, running.settings);
    const ended = await second.exited;
    expect(ended.code, second.output()).toBe(0);
    const secondRun = /Run (file-[0-9a-f]+):/.exec(second.output())?.[1];
    expect(secondRun).toBeDefined();
    expect(secondRun).not.toBe(firstRun);
    expect(second.output()).toContain('· balanced');

    expect(rowsMatch(await readRows(reader), expectedRows())).toEqual([]);
    for (const runId of [firstRun, secondRun!]) {
      expect(await readRunLedger(reader.app.clients, runId)).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    }
  }, 420_000);

  it('with its own emulators: the kill takes its Azurite down with it, and the re-run is done afresh', async () => {
    const file = cityFile();
    world = await startFaultWorld({ latencyMs: 50 }); // only its stand-in is used: the CLI starts its own storage and hub
    const env = { WEATHER_API_URL: world.settings.WEATHER_API_URL, FETCH_WINDOW_DAYS: '10' };
    const first = pipeline(file, env);
    await waitUntil(() => first.output().includes('Uploaded'), 120_000, 'the first run to upload the file');
    const started = childPids(first.child.pid!);
    expect(started.length).toBeGreaterThan(0); // Azurite, at least
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await waitUntil(() => started.every((pid) => !alive(pid)), 15_000, `the killed CLI's children (${started.join(', ')}) to exit`);

    const second = pipeline(file, env);
    const ended = await second.exited;
    expect(ended.code, second.output()).toBe(0);
    expect(second.output()).toContain('city-days requested 540 = aggregated 540 + dead-lettered 0 + not fetched 0');
    expect(second.output()).toContain('· balanced');
  }, 300_000);
});

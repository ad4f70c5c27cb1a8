// The aggregator as its own process (`npm run host -- --functions aggregateTemperatures`) killed with SIGKILL while
// it works, then started again: its partitions' ownership expires, the new process resumes from the last
// checkpoints, and the run ends with the fault-free months. Ingest runs in this process, in a second host.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { definitions } from '../../functions/definitions/index.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import { captureLog, expectedRows, readOutcome, readRows, rowsMatch, startHost, uploadCities, waitUntil } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

const MAIN = fileURLToPath(new URL('../../local/cli/main.ts', import.meta.url));
const children = new Set<ChildProcess>();
let world: FaultWorld | undefined;
let ingest: LocalHost | undefined;
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await ingest?.stop();
  await world?.close();
  world = ingest = undefined;
});

/** Starts the aggregator-only host and resolves once it says it is running. */
async function startAggregatorProcess(settings: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN, 'host', '--port', '0', '--settings', 'none.json', '--functions', 'aggregateTemperatures'], {
    // Small batches so the kill lands between batches of one run, not after a single one.
    env: { ...process.env, ...settings, AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '16', AzureFunctionsJobHost__extensions__eventHubs__maxWaitTime: '00:00:01' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the aggregator process did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the aggregator process exited with ${code}:\n${output}`)));
  });
  return child;
}

const readingsIn = async (host: LocalHost) => (await readRows(host)).reduce((sum, row) => sum + row.count, 0);

describe('the aggregator process', () => {
  it('resumes from its checkpoints after a SIGKILL mid-run and counts every day once', async () => {
    world = await startFaultWorld({ latencyMs: 300 });
    const running = world;
    ingest = startHost(running, captureLog(), definitions.filter((d) => d.name !== 'aggregateTemperatures'));
    const host = ingest;
    const since = new Date();
    await host.start();
    const first = await startAggregatorProcess(running.settings);
    const runId = await uploadCities(host, 'killed.jsonl');

    await waitUntil(async () => (await readingsIn(host)) > 0, 60_000, 'the first aggregates');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const total = expectedRows().reduce((sum, row) => sum + row.count, 0);
    const atKill = await readingsIn(host);
    expect(atKill).toBeLessThan(total);

    await startAggregatorProcess(running.settings);
    await host.waitForIdle({ timeoutMs: 60_000 });
    // The new process waits out the dead one's ownership (30 s) before it reads those partitions again.
    await waitUntil(async () => (await readingsIn(host)) >= total, 120_000, 'every reading aggregated');
    const outcome = await readOutcome(host, runId, since);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.deadLetters).toEqual([]);
  }, 240_000);
});

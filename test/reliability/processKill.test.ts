// The aggregator as its own process (`npm run host -- --functions aggregateTemperatures`) killed with SIGKILL while
// it works, then started again: its partitions' ownership expires, the new process resumes from the last
// checkpoints, and the run ends with the fault-free months. Ingest runs in this process, in a second host. One
// kill comes from outside at a random moment; the other lands inside a batch, by a hook in the child
// (killHook.ts): right after a table transaction is committed, before the batch is checkpointed.
import { TableClient } from '@azure/data-tables';
import { afterEach, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../functions/config/settings.ts';
import { definitions } from '../../functions/definitions/index.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import { startHostProcess, type HostProcess } from '../../local/hostProcess.ts';
import { KILL_HOOK, killMarker } from './killHarness.ts';
import { captureLog, expectedRows, readOutcome, readRows, rowsMatch, startHost, uploadCities, waitUntil } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

const children: HostProcess[] = [];
let world: FaultWorld | undefined;
let ingest: LocalHost | undefined;
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await ingest?.stop();
  await world?.close();
  world = ingest = undefined;
});

/** Starts the aggregator-only host and resolves once it says it is running. */
async function startAggregatorProcess(settings: Record<string, string>, killPoint?: string): Promise<HostProcess> {
  const child = await startHostProcess({
    // Small batches so the kill lands between batches of one run, not after a single one.
    settings: {
      ...settings,
      AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '16',
      AzureFunctionsJobHost__extensions__eventHubs__maxWaitTime: '00:00:01',
      ...(killPoint ? { KILL_POINT: killPoint } : {}),
    },
    functions: ['aggregateTemperatures'],
    ...(killPoint ? { nodeArgs: ['--import', KILL_HOOK] } : {}),
  });
  children.push(child);
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
    expect((await first.kill()).signal).toBe('SIGKILL');
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

  it('counts every day once when killed inside a batch, right after a table transaction committed and before the checkpoint', async () => {
    world = await startFaultWorld({ latencyMs: 50 });
    const running = world;
    ingest = startHost(running, captureLog(), definitions.filter((d) => d.name !== 'aggregateTemperatures'));
    const host = ingest;
    const since = new Date();
    await host.start();
    const first = await startAggregatorProcess(running.settings, 'mid-transaction');
    const runId = await uploadCities(host, 'killed-in-transaction.jsonl');
    expect((await first.exited).signal).toBe('SIGKILL');

    // The transaction it died after is in the table: its batch's days are applied but were never checkpointed.
    const marker = killMarker(first.output());
    expect(marker.entities?.length).toBeGreaterThan(0);
    const table = TableClient.fromConnectionString(running.settings.STORAGE!, RESOURCES.aggregatesTable, { allowInsecureConnection: true });
    for (const key of marker.entities!) {
      const [cityId, rowKey] = key.split('|M|');
      await expect(table.getEntity(cityId!, `M|${rowKey}`)).resolves.toBeDefined();
    }
    const total = expectedRows().reduce((sum, row) => sum + row.count, 0);
    expect(await readingsIn(host)).toBeLessThan(total);

    await startAggregatorProcess(running.settings);
    await host.waitForIdle({ timeoutMs: 60_000 });
    await waitUntil(async () => (await readingsIn(host)) >= total, 120_000, 'every reading aggregated');
    const outcome = await readOutcome(host, runId, since);
    expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
    expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
    expect(outcome.deadLetters).toEqual([]);
  }, 240_000);
});

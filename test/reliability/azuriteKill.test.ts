// Azurite (on disk, --location) killed with SIGKILL mid-run and started again on the same ports and folder, while
// the whole app runs in a local host: the storage SDKs' retries carry the app over the gap, and the run ends with
// the fault-free months and a balanced ledger. Azurite keeps its metadata (queues, tables, blob and extent
// indexes) in LokiJS databases it saves every 5 s, so a SIGKILL would also throw away writes it had already
// acknowledged, which Azure Storage never does; durableAzurite.ts makes it save before it answers, so the test
// kills a storage service that crashed, not one that forgets (docs/reliability.md).
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hubDays } from './killHarness.ts';
import { captureLog, expectedRows, readOutcome, readRows, rowsMatch, startHost, uploadCities, waitUntil } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

const DURABLE = fileURLToPath(new URL('./durableAzurite.ts', import.meta.url));

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the pipeline when Azurite is killed', () => {
  it('loses and doubles nothing when Azurite (on disk) is SIGKILLed mid-run and restarted', async () => {
    world = await startFaultWorld({ latencyMs: 150 }, {}, { azuriteNodeArgs: process.env.AZURITE_LOSSY ? [] : ['--import', DURABLE] });
    const running = world;
    // A message the host had leased when Azurite died cannot be settled or released: it comes back when its lease
    // ends, 10 minutes later on the Functions host; startHost's hosts lease for 20 s, so it comes back within the test.
    const host = startHost(running, captureLog());
    const since = new Date();
    await host.start();
    try {
      const runId = await uploadCities(host, 'azurite-killed.jsonl');
      await waitUntil(async () => running.standIn.stats().served >= 15 && (await readRows(host)).length > 0, 60_000, 'a quarter of the API calls and the first aggregates');
      const total = expectedRows().reduce((sum, row) => sum + row.count, 0);
      // Killed mid-run: the hub has part of the days, the table part of the readings.
      const eventsAtKill = (await hubDays(running.settings.EVENTHUB!)).length;
      const readingsAtKill = (await readRows(host)).reduce((sum, row) => sum + row.count, 0);
      await running.killAzurite(2_000);
      expect(eventsAtKill).toBeLessThan(540);
      expect(readingsAtKill).toBeLessThan(total);
      await host.waitForIdle({ timeoutMs: 180_000 });
      const outcome = await readOutcome(host, runId, since);
      expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
      expect(outcome.rows.reduce((sum, row) => sum + row.count, 0)).toBe(total);
      expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
      expect(outcome.poisoned).toEqual([]);
      expect(outcome.deadLetters).toEqual([]);
    } finally {
      await host.stop();
    }
  }, 300_000);
});

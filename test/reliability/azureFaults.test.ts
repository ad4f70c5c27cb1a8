// Azure failing the way it does under load, which Azurite and the emulators never do by themselves. Storage, through a
// proxy in front of Azurite: throttling (503 ServerBusy) and the ambiguous failure where a write succeeds but its
// response is lost (a 500 or a reset connection after Azurite did the work), so the client's retry repeats it; every
// storage call the app makes goes through it (raw blobs, queues, the aggregates table, the ledger, the Event Hubs
// checkpoints). Event Hubs: sends refused as throttled (com.microsoft:server-busy), as a namespace over its throughput
// units does. Each run must end with the fault-free months, a balanced ledger, nothing poisoned or dead-lettered.
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog, expectedRows, readOutcome, rowsMatch, startHost, uploadCities, type RunOutcome } from './pipelineHarness.ts';
import { startFaultWorld, type FaultWorld } from './world.ts';

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** `afterUpload` runs once the host is up and the city file is in: the faults are for the pipeline, not the test's setup. */
async function run(running: FaultWorld, name: string, hooks: { afterUpload?: () => void; beforeReading: () => void }): Promise<RunOutcome> {
  const { afterUpload, beforeReading } = hooks;
  const host = startHost(running, captureLog());
  const since = new Date();
  await host.start();
  try {
    const runId = await uploadCities(host, `${name}.jsonl`);
    afterUpload?.();
    await host.waitForIdle({ timeoutMs: 180_000 });
    beforeReading();
    return await readOutcome(host, runId, since);
  } finally {
    await host.stop();
  }
}

function expectFaultFree(outcome: RunOutcome): void {
  expect(rowsMatch(outcome.rows, expectedRows())).toEqual([]);
  expect(outcome.ledger).toMatchObject({ state: 'complete', balanced: true, cityDays: { requested: 540, aggregated: 540, unaccounted: 0 } });
  expect(outcome.poisoned).toEqual([]);
  expect(outcome.deadLetters).toEqual([]);
}

describe('the pipeline when Azure throttles and loses responses', () => {
  it('loses and doubles nothing with 5 % of storage requests throttled and 12 % of their responses lost after the write', async () => {
    const storageFaults = { serverBusyRate: 0.05, lostResponseRate: 0.12, seed: 11 };
    world = await startFaultWorld({}, {}, { storage: storageFaults });
    const proxy = world.storageProxy!;
    proxy.setFaults(undefined); // the host's start and the upload go through untouched…
    let faults = proxy.stats();
    const outcome = await run(world, 'storage-faults', {
      afterUpload: () => proxy.setFaults(storageFaults), // …then every request of the run itself may fail
      beforeReading: () => {
        faults = proxy.stats();
        proxy.setFaults(undefined); // read the outcome without faults
      },
    });
    // The faults happened, on writes of every kind the pipeline makes. (Counted by service: which request of a kind
    // draws a fault varies with timing. Over three counted runs here: 87-111 blob PUTs, 13-21 queue sends and
    // deletes, 9-18 table transactions and updates, when raw/ held one blob per city-day; since it holds one per
    // response (54 here), 8-21 lost of the run's blob PUTs, whose number moves with the checkpoints, one per
    // batch: so that count is set against the PUTs sent. At 12 %, 4 % or fewer lost comes by chance about once in
    // 900 runs at the ~130 PUTs a run makes here, once in 100 at the 66 a run makes at least.) A lost raw PUT is retried by the SDK with If-None-Match: *, meets its
    // own blob and must be taken for it (P(none of 54 lost) ≈ 0.1 %).
    const lost = (...kinds: string[]) => kinds.reduce((sum, kind) => sum + (faults.lostByKind[kind] ?? 0), 0);
    expect(faults.serverBusy).toBeGreaterThan(20);
    expect(faults.requestsByKind['PUT blob']).toBeGreaterThan(54);
    expect(lost('PUT blob')).toBeGreaterThan(0.04 * (faults.requestsByKind['PUT blob'] ?? 0));
    expect(faults.lostBlobPutsByContainer['raw']).toBeGreaterThan(0);
    expect(lost('POST queue', 'DELETE queue')).toBeGreaterThan(3);
    // A lost dequeue hides its messages for the host's lease (20 s here); they come back and are run once.
    expect(lost('dequeue')).toBeGreaterThan(0);
    expect(lost('POST table', 'PUT table', 'PATCH table', 'MERGE table')).toBeGreaterThan(1);
    // …and the months are the fault-free ones, every city-day counted once.
    expectFaultFree(outcome);
  }, 240_000);

  it('loses and doubles nothing when Event Hubs refuses 15 % of sends as throttled', async () => {
    world = await startFaultWorld({}, {}, { eventHubsServerBusyRate: 0.15 });
    const outcome = await run(world, 'eventhubs-throttled', { beforeReading: () => undefined });
    expect(world.eventHubsThrottled()).toBeGreaterThan(3);
    expectFaultFree(outcome);
  }, 240_000);
});

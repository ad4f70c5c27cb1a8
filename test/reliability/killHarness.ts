// Shared by the SIGKILL tests: the hook a child is started with, reading its marker, what the hub and the raw zone
// hold at a given moment, and waiting for a run to end balanced.
import { fileURLToPath } from 'node:url';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import { RESOURCES } from '../../functions/config/settings.ts';
import type { CityDayEvent } from '../../functions/core/model.ts';
import { parseRawResponseName } from '../../functions/core/weather/rawResponse.ts';
import type { LocalHost } from '../../local/host/createLocalHost.ts';
import { readOutcome, waitUntil, type RunOutcome } from './pipelineHarness.ts';

/** `node --import` this into a child to give it a kill point (see killHook.ts). */
export const KILL_HOOK = fileURLToPath(new URL('./killHook.ts', import.meta.url));
const MARKER = 'KILL_POINT reached:';

export interface KillMarker {
  point: string;
  days?: { cityId: string; date: string }[];
  entities?: string[];
}

/** The marker the child printed just before it killed itself; throws when there is none (the kill did not land). */
export function killMarker(output: string): KillMarker {
  const line = output.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`the child printed no kill marker:\n${output.slice(-3_000)}`);
  return JSON.parse(line.slice(MARKER.length)) as KillMarker;
}

/** Every city-day event on the hub now (the world's hub is this run's alone), duplicates included. */
export async function hubDays(connectionString: string, hub = 'temperatures'): Promise<{ cityId: string; date: string }[]> {
  const client = new EventHubConsumerClient('$default', connectionString, hub);
  try {
    const ids = await client.getPartitionIds();
    const counts = await Promise.all(ids.map(async (id) => {
      const p = await client.getPartitionProperties(id);
      return p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber - p.beginningSequenceNumber + 1;
    }));
    const total = counts.reduce((a, b) => a + b, 0);
    const days: { cityId: string; date: string }[] = [];
    if (total === 0) return days;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${days.length} of ${total} events`)), 30_000);
      const subscription = client.subscribe(
        {
          processEvents: async (events) => {
            for (const event of events) days.push({ cityId: (event.body as CityDayEvent).cityId, date: (event.body as CityDayEvent).date });
            if (days.length >= total) {
              clearTimeout(timer);
              void subscription.close().then(resolve, reject);
            }
          },
          processError: async () => undefined,
        },
        { startPosition: earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 0.2 },
      );
    });
    return days;
  } finally {
    await client.close();
  }
}

/** The windows of the raw responses kept for a city (what a job asked of the API), read from their names. */
export async function rawWindows(host: LocalHost, cityId: string): Promise<{ start: string; end: string }[]> {
  const container = host.app.clients.blobService().getContainerClient(RESOURCES.rawContainer);
  const windows: { start: string; end: string }[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${cityId}/` })) {
    const name = parseRawResponseName(blob.name);
    if (name) windows.push({ start: name.start, end: name.end });
  }
  return windows;
}

/** Waits until the run's ledger is complete with every day aggregated, then reads the outcome once more. */
export async function waitForRun(host: LocalHost, runId: string, since: Date, timeoutMs: number, requested = 540): Promise<RunOutcome> {
  await waitUntil(async () => {
    const outcome = await readOutcome(host, runId, since).catch(() => undefined);
    return outcome?.ledger.state === 'complete' && outcome.ledger.cityDays.aggregated >= requested;
  }, timeoutMs, `run ${runId} to complete with ${requested} days aggregated`);
  // The rows are read before the ledger: the snapshot that met the condition may hold months from a moment earlier.
  return readOutcome(host, runId, since);
}

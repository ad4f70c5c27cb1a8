// One whole pipeline run for a bench: Azurite, the Event Hubs emulator and the Open-Meteo stand-in (zero latency)
// started here as child processes (so their memory and CPU are measured apart from the app's), the API limiter
// raised out of the way, then the city file through runPipeline. Times come from the storage itself: upload (the
// "Uploaded" line) → the newest `aggregates` entity Timestamp; raw blob writes from the blobs' Last-Modified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { EVENTHUB_CONNECTION, RESOURCES, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import { startAzurite } from '../../local/azurite.ts';
import { runPipeline } from '../../local/cli/runPipeline.ts';
import { parseRawResponseName } from '../../functions/core/weather/rawResponse.ts';
import { sampleProcessTree, type CpuWindow, type MemoryPeaks } from './processTree.ts';
import { startEmulatorChild, startStandInChild } from './localStack.ts';

export interface Workload {
  citiesFile: string;
  cities: number;
  start: string;
  end: string;
  days: number;
  timeoutMs: number;
  /**
   * Azurite keeps blobs in files instead of memory. On disk its blob metadata (LokiJS, saved whole every few
   * seconds) slows every write as blobs accumulate: ~365 blobs/s at the start of the full scale run, ~48 at 190,000.
   */
  azuriteOnDisk?: boolean;
  /**
   * Azurite in memory with this heap. With Node's default heap it held ~13 KB per blob and stalled (3.3 GB RSS,
   * 100% CPU in GC) at ~250,000 of the 365,000 blobs the full scale run writes.
   */
  azuriteHeapMiB?: number;
  /**
   * Unmeasured runs first, in the same process on fresh services each: the measured run then has the JIT-compiled
   * code of a process that has been at work, as a function app instance on Azure has (workloadProcess.ts).
   */
  warmups?: number;
}

export interface WorkloadResult {
  readings: number;
  /** Upload of the city file → the last aggregate entity written. */
  seconds: number;
  readingsPerSecond: number;
  rawBlobs: number;
  /** First → last raw blob Last-Modified, plus the 1 s granularity of that header (so a conservative rate). */
  rawWindowSeconds: number;
  /** Events aggregated per second, from the first API response (its fetch instant) to the last aggregate. */
  eventsPerSecond: number;
  eventsAggregated: number;
  apiCalls: number;
  memory: MemoryPeaks;
  /** CPU seconds per process from the first API response to the last aggregate (the events/s window). */
  cpu: CpuWindow;
}

/** The limiter's ceilings (loadConfig's maxima): at zero latency the stand-in, not a quota, must be what paces. */
const UNLIMITED_API = {
  [SETTINGS.weatherCallsPerMinute]: '1000000',
  [SETTINGS.weatherCallsPerHour]: '10000000',
  [SETTINGS.weatherCallsPerDay]: '100000000',
};

/** Passes runPipeline's progress through to our stderr, noting when the upload happened. */
function tapStderr(onUploaded: () => void): Writable & { isTTY: boolean } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      if (text.startsWith('Uploaded ')) onUploaded();
      process.stderr.write(`  ${text}`);
      done();
    },
  });
  return Object.assign(stream, { isTTY: false });
}

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

async function lastAggregateWrite(connectionString: string): Promise<number> {
  const table = TableClient.fromConnectionString(connectionString, RESOURCES.aggregatesTable, { allowInsecureConnection: true });
  let last = 0;
  for await (const entity of table.listEntities({ queryOptions: { select: ['PartitionKey', 'Timestamp'] } })) {
    last = Math.max(last, Date.parse(String(entity.timestamp)));
  }
  return last;
}

/**
 * Raw blobs: how many, their Last-Modified window (whole seconds), and the first response's fetch instant (to the
 * millisecond, from its name): the events/s window starts there, since a Last-Modified truncated to the second
 * could start it up to a second early (a third of a seed run).
 */
async function rawBlobWindow(connectionString: string): Promise<{ count: number; first: number; last: number; firstFetch: number }> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(RESOURCES.rawContainer);
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let firstFetch = Number.POSITIVE_INFINITY;
  for await (const page of container.listBlobsFlat().byPage({ maxPageSize: 5_000 })) {
    for (const blob of page.segment.blobItems) {
      const at = blob.properties.lastModified.getTime();
      count++;
      first = Math.min(first, at);
      last = Math.max(last, at);
      const name = parseRawResponseName(blob.name);
      if (name) firstFetch = Math.min(firstFetch, Date.parse(name.fetchedAt));
    }
  }
  if (!Number.isFinite(firstFetch)) throw new Error('no raw blob carries a response name: cannot time the events');
  return { count, first, last, firstFetch };
}

export async function runWorkload(workload: Workload): Promise<WorkloadResult> {
  const location = workload.azuriteOnDisk ? mkdtempSync(join(tmpdir(), 'bench-azurite-')) : undefined;
  const azuriteOptions = { ...(location ? { location } : {}), ...(workload.azuriteHeapMiB ? { maxHeapMiB: workload.azuriteHeapMiB } : {}) };
  const [azurite, hub, standIn] = await Promise.all([startAzurite(azuriteOptions), startEmulatorChild(), startStandInChild()]);
  try {
    let uploadedAt = 0;
    const memory = sampleProcessTree(100);
    let peaks: MemoryPeaks;
    let result;
    try {
      result = await runPipeline({
        cities: workload.citiesFile,
        start: workload.start,
        end: workload.end,
        env: { [STORAGE_CONNECTION]: azurite.connectionString, [EVENTHUB_CONNECTION]: hub.connectionString, [SETTINGS.weatherApiUrl]: standIn.url, ...UNLIMITED_API },
        timeoutMs: workload.timeoutMs,
        stdout: discard,
        stderr: tapStderr(() => (uploadedAt ||= Date.now())),
      });
    } finally {
      peaks = memory.stop();
    }
    const readings = workload.cities * workload.days * 24;
    const aggregated = result.rows.reduce((sum, row) => sum + row.count + row.missingHours, 0);
    if (aggregated !== readings) throw new Error(`the run aggregated ${aggregated} hourly readings, expected ${readings}`);
    const lastAggregate = await lastAggregateWrite(azurite.connectionString);
    const raw = await rawBlobWindow(azurite.connectionString);
    const seconds = (lastAggregate - uploadedAt) / 1000;
    const eventsAggregated = Object.values(result.stats.eventHubs).reduce((sum, h) => sum + h.events, 0);
    return {
      readings,
      seconds,
      readingsPerSecond: readings / seconds,
      rawBlobs: raw.count,
      rawWindowSeconds: (raw.last - raw.first) / 1000 + 1,
      eventsPerSecond: eventsAggregated / ((lastAggregate - raw.firstFetch) / 1000),
      eventsAggregated,
      apiCalls: result.apiCalls,
      memory: peaks,
      cpu: memory.cpuBetween(raw.firstFetch, lastAggregate),
    };
  } finally {
    await Promise.all([azurite.close(), hub.close(), standIn.close()]);
    if (location) rmSync(location, { recursive: true, force: true });
  }
}

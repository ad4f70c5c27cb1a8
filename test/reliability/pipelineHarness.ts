// Runs the function app in local hosts against a FaultWorld and reads what a run produced: the month rows, the
// run ledger, poison messages and dead letters. Hosts are created here (not through runPipeline) so a test can
// stop, crash or add instances mid-run.
import { RESOURCES } from '../../functions/config/settings.ts';
import { definitions as appDefinitions } from '../../functions/definitions/index.ts';
import type { EventHubFunction, FunctionDefinition } from '../../functions/app/definition.ts';
import type { RunReport } from '../../functions/core/ledger/reconcile.ts';
import type { MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import { cityFileRunId } from '../../functions/ingest/onCityFile.ts';
import { readCityFile } from '../../functions/core/city/readCityFile.ts';
import { createLocalHost, type LocalHost } from '../../local/host/createLocalHost.ts';
import type { LogSink } from '../../local/host/invocations.ts';
import { readRunLedger } from '../../local/cli/runLedger.ts';
import { deadLettersSince, poisonedSince, readMonthlyRows } from '../../local/cli/runResults.ts';
import { referenceRows, seedCities, type ReferenceRow } from '../local/cli/recordedReference.ts';
import type { FaultWorld } from './world.ts';

export { waitUntil } from '../waitUntil.ts';

export const RANGE = { start: '2023-01-01', end: '2023-03-31' } as const;

/** Six recorded cities over a quarter: 540 city-days, 54 API calls of 10 days, 18 month rows. */
export const CITIES = [0, 7, 13, 21, 34, 46].map((i) => seedCities[i]!);

/** The repository's host.json numbers, with retries and polls shortened so a fault costs seconds, not minutes. */
/** The queue lease the reliability hosts use (queueTrigger.ts). */
export const TEST_LEASE_SECONDS = 20;

export const FAST_HOST_JSON = {
  version: '2.0',
  functionTimeout: '00:02:00',
  extensions: {
    queues: { batchSize: 8, newBatchThreshold: 4, maxPollingInterval: '00:00:00.500', visibilityTimeout: '00:00:01', maxDequeueCount: 5 },
    eventHubs: {
      maxEventBatchSize: 64,
      maxWaitTime: '00:00:01',
      initialOffsetOptions: { type: 'fromStart' },
      clientRetryOptions: { mode: 'exponential', delay: '00:00:00.80', maxDelay: '00:01:00', maxRetries: 3 },
    },
  },
};

export interface CapturedLog {
  sink: LogSink;
  lines: string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  return { lines, sink: (level, line) => void lines.push(`${level}: ${line}`) };
}

export function startHost(world: FaultWorld, log: CapturedLog, definitions: readonly FunctionDefinition[] = appDefinitions): LocalHost {
  // A dequeue whose answer is lost (a proxy fault, a restarted Azurite) hides its messages for one lease: the host's
  // 10 minutes would outlast every test here, so the messages come back after 20 s instead.
  return createLocalHost({ definitions, settings: world.settings, hostJson: FAST_HOST_JSON, httpPort: 0, log: log.sink, queueLeaseSeconds: TEST_LEASE_SECONDS });
}

/** Uploads the city file as `npm run pipeline` does; the host's watcher announces it. Returns the run id. */
export async function uploadCities(host: LocalHost, name: string, cities: readonly object[] = CITIES, range: { start: string; end: string } = RANGE): Promise<string> {
  const body = cities.map((c) => JSON.stringify(c)).join('\n');
  const blob = host.app.clients.blobService().getContainerClient(RESOURCES.citiesContainer).getBlockBlobClient(name);
  const uploaded = await blob.upload(body, Buffer.byteLength(body), { metadata: { start: range.start, end: range.end } });
  return cityFileRunId(name, uploaded.etag ?? '');
}

export interface RunOutcome {
  rows: MonthlyRow[];
  ledger: RunReport;
  poisoned: string[];
  deadLetters: string[];
}

/** The month rows of these cities over RANGE, as the CLI reads them. */
export async function readRows(host: LocalHost, cities: readonly { city: string; lat: number; lng: number }[] = CITIES): Promise<MonthlyRow[]> {
  const ids = new Set<string>();
  // The app's own parser names the cities, so ids match whatever normalisation it applies.
  const text = cities.map((c) => JSON.stringify(c)).join('\n');
  for await (const line of readCityFile((async function* () { yield text; })())) if (line.ok) ids.add(line.cityId);
  return readMonthlyRows(host.app.clients.table(RESOURCES.aggregatesTable), ids, RANGE.start.slice(0, 7), RANGE.end.slice(0, 7));
}

export async function readOutcome(host: LocalHost, runId: string, since: Date, cities: readonly { city: string; lat: number; lng: number }[] = CITIES): Promise<RunOutcome> {
  const { clients } = host.app;
  return {
    rows: await readRows(host, cities),
    ledger: await readRunLedger(clients, runId),
    poisoned: await poisonedSince(clients.queueService(), since),
    deadLetters: await deadLettersSince(clients.blobService(), since),
  };
}

/** The same months computed straight from the recorded series, without the app's code. */
export function expectedRows(cities: readonly { city: string; lat: number; lng: number }[] = CITIES): ReferenceRow[] {
  return cities
    .flatMap((c) => referenceRows(c, [[RANGE.start, RANGE.end]]))
    .sort((a, b) => (a.city < b.city ? -1 : a.city > b.city ? 1 : a.year - b.year || a.month - b.month));
}

/** Every month equal to the reference: extremes and counts exactly, the mean to 1e-9. */
export function rowsMatch(actual: readonly MonthlyRow[], expected: readonly ReferenceRow[]): string[] {
  const problems: string[] = [];
  if (actual.length !== expected.length) problems.push(`${actual.length} rows, expected ${expected.length}`);
  expected.forEach((want, i) => {
    const got = actual[i] as unknown as Record<string, unknown> | undefined;
    const { mean, ...exact } = want;
    const differs = !got || Object.entries(exact).some(([key, value]) => got[key] !== value) || Math.abs((got.mean as number) - mean) > 1e-9;
    if (differs) problems.push(`${want.city} ${want.year}-${want.month}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  });
  return problems;
}

export interface DeliveredBatch {
  partitionId: string;
  sequenceNumbers: number[];
}

/**
 * The app's definitions with the aggregator wrapped: `after` runs once the real handler has written the table
 * and before the host checkpoints, so a test can see every delivery and crash at exactly that point.
 */
export function withAggregatorHook(after: (batch: DeliveredBatch) => void | Promise<void>): FunctionDefinition[] {
  return appDefinitions.map((definition) => {
    if (definition.trigger.type !== 'eventHub') return definition;
    const inner = definition as EventHubFunction;
    const wrapped: EventHubFunction = {
      ...inner,
      handler: (app) => {
        const handle = inner.handler(app);
        return async (events, context) => {
          await handle(events, context);
          const metadata = context.triggerMetadata as { partitionContext: { partitionId: string }; sequenceNumberArray: number[] };
          await after({ partitionId: metadata.partitionContext.partitionId, sequenceNumbers: metadata.sequenceNumberArray });
        };
      },
    };
    return wrapped;
  });
}

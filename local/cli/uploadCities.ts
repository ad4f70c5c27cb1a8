// Uploads a city file to the `cities` container of an app that is already running (npm run host, func start, or
// Azure) and follows its run through the ledger until it balances. Starts nothing: the app that watches the
// container does the work, exactly once.
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { createBlobStore } from '../../functions/adapters/blobs.ts';
import { createBlobServiceClient, createTableClient } from '../../functions/adapters/clients.ts';
import { createRunLedger } from '../../functions/adapters/runLedger.ts';
import { parseStorageConnection, type StorageConnection } from '../../functions/config/connections.ts';
import { RESOURCES, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import type { RunReport } from '../../functions/core/ledger/reconcile.ts';
import { ensureErrorType } from '../../functions/errors.ts';
import { cityFileRunId } from '../../functions/ingest/onCityFile.ts';
import { reconcileRun } from '../../functions/ledger/reconcileRun.ts';
import { printableLines } from '../printable.ts';
import { CLIError } from './errors.ts';
import { formatLineReport } from './lineReport.ts';
import { formatRunLedger } from './runLedger.ts';
import { readRejections } from './runResults.ts';

export interface UploadOptions {
  cities: string;
  /** Both or neither: the blob's start/end metadata (else the lines' own ranges, else the app's defaults). */
  range?: { start: string; end: string };
  settings: Record<string, string | undefined>;
  /** Blob name in `cities` (default: the file's name). */
  name?: string;
  /** Give up when no app has picked the file up after this long. */
  pickupTimeoutMs?: number;
  /** Give up when the run has not balanced after this long. */
  timeoutMs?: number;
  pollMs?: number;
  stdout?: Writable;
  stderr?: Writable;
}

/** Where the blobs go, for messages: the endpoint only, never a key. */
function describeStorage(connection: StorageConnection): string {
  if (connection.kind === 'identity') return connection.blobServiceUri;
  const endpoint = /BlobEndpoint=([^;]+)/i.exec(connection.connectionString)?.[1];
  const account = /AccountName=([^;]+)/i.exec(connection.connectionString)?.[1];
  return endpoint ?? (account ? `account ${account}` : 'the configured storage');
}

export async function uploadCities(options: UploadOptions): Promise<{ runId: string; ledger: RunReport }> {
  const stdout = options.stdout ?? process.stdout;
  const say = (text: string) => (options.stderr ?? process.stderr).write(`${printableLines(text)}\n`);
  let connection: StorageConnection;
  try {
    connection = parseStorageConnection(options.settings, STORAGE_CONNECTION);
  } catch (error) {
    throw new CLIError('E_CONFIG', ensureErrorType(error).message, { cause: error });
  }
  const where = describeStorage(connection);
  const blobService = createBlobServiceClient(connection);
  const name = options.name ?? basename(options.cities);
  let etag: string;
  try {
    const uploaded = await blobService.getContainerClient(RESOURCES.citiesContainer).getBlockBlobClient(name).uploadFile(options.cities, {
      ...(options.range ? { metadata: { start: options.range.start, end: options.range.end } } : {}),
      blobHTTPHeaders: { blobContentType: name.endsWith('.json') ? 'application/json' : 'application/x-ndjson' },
    });
    etag = uploaded.etag ?? '';
  } catch (error) {
    throw new CLIError('E_START', `Could not upload to ${RESOURCES.citiesContainer}/ at ${where}: ${ensureErrorType(error).message}`, { cause: error });
  }
  const runId = cityFileRunId(name, etag);
  say(`Uploaded ${name} to ${RESOURCES.citiesContainer}/ at ${where}${options.range ? ` (${options.range.start}..${options.range.end})` : ''} as run ${runId}; waiting for the app`);

  const table = (tableName: string) => createTableClient(connection, tableName);
  const deps = {
    ledger: createRunLedger(table(RESOURCES.runsTable)),
    aggregates: createAggregateTable(table(RESOURCES.aggregatesTable)),
    blobs: createBlobStore(blobService),
    deadletterContainer: RESOURCES.deadletterContainer,
  };
  const report = await followRun(runId, name, deps, options, say);
  const lineReport = formatLineReport(name, await readRejections(blobService, name, etag));
  if (lineReport) stdout.write(`${printableLines(lineReport)}\n\n`);
  stdout.write(`${printableLines(formatRunLedger(report))}\n`);
  if (report.jobs.failed > 0) throw new CLIError('E_POISON', `${report.jobs.failed} fetch job(s) failed for good (in fetch-jobs-poison); their days are counted as not fetched`);
  if (report.cityDays.deadLettered > 0) throw new CLIError('E_DEADLETTER', `${report.cityDays.deadLettered} city-day(s) could not be aggregated (in ${RESOURCES.deadletterContainer}/)`);
  return { runId, ledger: report };
}

async function followRun(
  runId: string,
  name: string,
  deps: Parameters<typeof reconcileRun>[0],
  options: UploadOptions,
  say: (text: string) => void,
): Promise<RunReport> {
  const started = Date.now();
  const pickupDeadline = started + (options.pickupTimeoutMs ?? 60_000);
  const deadline = started + (options.timeoutMs ?? 15 * 60_000);
  const pollMs = options.pollMs ?? 1_000;
  let last = '';
  let report: RunReport | undefined;
  for (;;) {
    report = await reconcileRun(deps, runId);
    if (report?.balanced) return report;
    const now = Date.now();
    if (!report && now > pickupDeadline) {
      throw new CLIError('E_NO_APP', [
        `No app picked up ${RESOURCES.citiesContainer}/${name} within ${Math.round((now - started) / 1000)} s.`,
        'Is the app running against the same storage (`npm run host` in another terminal, `func start`, or Azure)?',
        'To run everything in one process instead, use `npm run pipeline`.',
      ].join('\n'));
    }
    if (now > deadline) {
      if (report) say(formatRunLedger(report));
      throw new CLIError('E_TIMEOUT', `run ${runId} did not balance within ${Math.round((now - started) / 1000)} s`);
    }
    const progress = report
      ? `run ${runId}: ${report.jobs.done + report.jobs.rejected + report.jobs.failed}/${report.jobs.planned} jobs, ${report.cityDays.aggregated}/${report.cityDays.requested} city-days aggregated`
      : `waiting for the app to pick up ${name}`;
    if (progress !== last) say(progress);
    last = progress;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

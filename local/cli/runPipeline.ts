// One pipeline run on this machine: start what is missing (Azurite, the Event Hubs emulator, the Open-Meteo
// stand-in with --offline), upload the city file with its date range as blob metadata, run the function app in the
// local host until it is idle, then report rejected lines, the month table, the JSON and the dashboard.
import { createReadStream } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { RESOURCES } from '../../functions/config/settings.ts';
import type { FunctionDefinition } from '../../functions/app/definition.ts';
import { readCityFile } from '../../functions/core/city/readCityFile.ts';
import { isValidDate } from '../../functions/core/dates.ts';
import { toJsonRow, type MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import { renderDashboard } from '../../functions/core/dashboard/renderDashboard.ts';
import type { RunReport } from '../../functions/core/ledger/reconcile.ts';
import { AppError, ensureErrorType } from '../../functions/errors.ts';
import { cityFileRunId } from '../../functions/ingest/onCityFile.ts';
import type { LocalHost, LocalHostStats } from '../host/createLocalHost.ts';
import { IdleTimeoutError } from '../host/idleMonitor.ts';
import type { LogSink } from '../host/invocations.ts';
import { CLIError } from './errors.ts';
import { startEnvironment, type Settings } from './environment.ts';
import { formatMonthlyTable, formatRejected } from './formatTable.ts';
import { startProgress } from './progress.ts';
import type { RejectionSummary } from './runResults.ts';
import { createProgressSampler } from './sampleProgress.ts';

export interface PipelineOptions {
  cities: string;
  start: string;
  end: string;
  json?: string;
  html?: string;
  offline?: boolean;
  verbose?: boolean;
  /** Settings (process.env by default): STORAGE / EVENTHUB set means "use those, start nothing". */
  env?: Settings;
  timeoutMs?: number;
  stdout?: Writable;
  stderr?: Writable & { isTTY?: boolean };
  definitions?: readonly FunctionDefinition[];
  /** host.json content for the local host (the repository's host.json by default). */
  hostJson?: unknown;
  /** Where the functions' and the host's log lines go (the console, verbose or not, by default). */
  log?: LogSink;
}

export interface PipelineResult {
  rows: MonthlyRow[];
  rejections: RejectionSummary;
  jsonPath: string | undefined;
  htmlPath: string | undefined;
  seconds: number;
  stats: LocalHostStats;
  apiCalls: number;
  ledger: RunReport;
}

interface LocalFile {
  cityIds: Set<string>;
  fromMonth: string;
  toMonth: string;
}

async function checkOptions(options: PipelineOptions): Promise<void> {
  for (const [name, value] of [['--start', options.start], ['--end', options.end]] as const) {
    if (!isValidDate(value)) throw new CLIError('E_USAGE', `${name} must be a date YYYY-MM-DD, got "${value ?? ''}"`);
  }
  if (options.start > options.end) throw new CLIError('E_USAGE', `--start (${options.start}) is after --end (${options.end})`);
  try {
    await access(options.cities);
  } catch {
    throw new CLIError('E_FILE', `City file "${options.cities}" does not exist or cannot be read`);
  }
}

/** The cities and months this run can produce, read with the same parser ingest uses. */
async function scanLocalFile(options: PipelineOptions): Promise<LocalFile> {
  const cityIds = new Set<string>();
  let from = options.start;
  let to = options.end;
  for await (const line of readCityFile(createReadStream(options.cities))) {
    if (!line.ok) continue;
    cityIds.add(line.cityId);
    if (line.start && line.end) {
      if (line.start < from) from = line.start;
      if (line.end > to) to = line.end;
    }
  }
  return { cityIds, fromMonth: from.slice(0, 7), toMonth: to.slice(0, 7) };
}

/** The function app, the local host and the SDKs behind them: a second of CPU to load, spent while Azurite starts. */
async function loadApp() {
  const [host, definitions, invocations, ledger, results] = await Promise.all([
    import('../host/createLocalHost.ts'),
    import('../../functions/definitions/index.ts'),
    import('../host/invocations.ts'),
    import('./runLedger.ts'),
    import('./runResults.ts'),
  ]);
  return { ...host, appDefinitions: definitions.definitions, ...invocations, ...ledger, ...results };
}

/** The local services first (Azurite's own process loads while this one loads the app), then the app. */
async function startAll(options: PipelineOptions) {
  const starting = startEnvironment(options.env ?? process.env, { offline: options.offline ?? false });
  starting.catch(() => undefined); // its failure is thrown below, once the app has loaded
  const app = await loadApp().catch(async (error: unknown) => {
    await starting.then((environment) => environment.close(), () => undefined);
    throw error;
  });
  return { environment: await starting, app };
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const say = (text: string) => stderr.write(`${text}\n`);
  await checkOptions(options);
  const local = await scanLocalFile(options);
  const began = new Date();
  const { environment, app } = await startAll(options);
  const { createLocalHost, appDefinitions, consoleSink, readRunLedger, formatRunLedger, assertBalanced } = app;
  const { deadLettersSince, poisonedSince, readMonthlyRows, readRejections } = app;
  if (environment.started.length > 0) say(`Started ${environment.started.join(', ')}`);
  let host: LocalHost | undefined;
  try {
    try {
      host = createLocalHost({
        definitions: options.definitions ?? appDefinitions,
        settings: environment.settings,
        httpPort: 0,
        ...(options.hostJson === undefined ? {} : { hostJson: options.hostJson }),
        log: options.log ?? consoleSink(options.verbose ?? false),
      });
    } catch (error) {
      throw new CLIError('E_CONFIG', ensureErrorType(error).message, { cause: error });
    }
    const fileName = basename(options.cities);
    const running = host;
    await running.start().catch((error: unknown) => {
      throw new CLIError('E_START', `The local host could not start: ${ensureErrorType(error).message}`, { cause: error });
    });
    const blob = running.app.clients.blobService().getContainerClient(RESOURCES.citiesContainer).getBlockBlobClient(fileName);
    const uploaded = await blob.uploadFile(options.cities, {
      metadata: { start: options.start, end: options.end },
      blobHTTPHeaders: { blobContentType: fileName.endsWith('.json') ? 'application/json' : 'application/x-ndjson' },
    });
    say(`Uploaded ${fileName} to ${RESOURCES.citiesContainer}/ (${options.start}..${options.end}); waiting for the app to finish`);
    const sample = createProgressSampler(running, environment.standIn);
    const progress = startProgress(stderr, sample);
    try {
      await running.waitForIdle({ timeoutMs: options.timeoutMs ?? 15 * 60_000 });
    } catch (error) {
      await progress.stop();
      if (error instanceof IdleTimeoutError) throw new CLIError('E_TIMEOUT', `${error.message}; rerun with --verbose to see the functions' logs`);
      throw error;
    }
    const final = await sample();
    const seconds = (Date.now() - began.getTime()) / 1000;
    const n = (value: number) => value.toLocaleString('en-US');
    await progress.stop(`Done in ${seconds.toFixed(1)} s: ${n(final.jobsDone)} jobs, ${n(final.apiCalls)} API calls, ${n(final.eventsAggregated)} events aggregated`);

    const blobs = running.app.clients.blobService();
    const rejections = await readRejections(blobs, fileName, uploaded.etag ?? '');
    if (rejections.total > 0) stdout.write(`${formatRejected(fileName, rejections.rejected, rejections.total)}\n\n`);
    const rows = await readMonthlyRows(running.app.clients.table(RESOURCES.aggregatesTable), local.cityIds, local.fromMonth, local.toMonth);
    stdout.write(rows.length > 0 ? `${formatMonthlyTable(rows)}\n` : 'No monthly aggregates were produced.\n');
    const { jsonPath, htmlPath } = await writeOutputs(options, rows, began);
    const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
    if (jsonPath) stdout.write(`\nJSON:  ${shown(jsonPath)}\n`);
    if (htmlPath) stdout.write(`Chart: ${shown(htmlPath)}\n`);
    const ledger = await readRunLedger(running.app.clients, cityFileRunId(fileName, uploaded.etag ?? ''));
    stdout.write(`\n${formatRunLedger(ledger)}\n`);

    const failures = await poisonedSince(running.app.clients.queueService(), began);
    if (failures.length > 0) throw new CLIError('E_POISON', `${failures.length} message(s) failed 5 times and are in a poison queue:\n  ${failures.join('\n  ')}`);
    const deadLetters = await deadLettersSince(blobs, began);
    if (deadLetters.length > 0) throw new CLIError('E_DEADLETTER', `${deadLetters.length} event(s) could not be aggregated:\n  ${deadLetters.join('\n  ')}`);
    assertBalanced(ledger);
    return { rows, rejections, jsonPath, htmlPath, seconds, stats: running.stats(), apiCalls: final.apiCalls, ledger };
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_CONFIG') throw new CLIError('E_CONFIG', error.message, { cause: error });
    throw error;
  } finally {
    await host?.stop().catch(() => undefined);
    await environment.close();
  }
}

async function writeOutputs(options: PipelineOptions, rows: readonly MonthlyRow[], generatedAt: Date): Promise<{ jsonPath?: string; htmlPath?: string }> {
  const jsonPath = options.json ? resolve(options.json) : undefined;
  const htmlPath = options.html ? resolve(options.html) : jsonPath ? join(dirname(jsonPath), 'dashboard.html') : undefined;
  if (jsonPath) {
    await mkdir(dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify(rows.map(toJsonRow), null, 2)}\n`);
  }
  if (htmlPath) {
    await mkdir(dirname(htmlPath), { recursive: true });
    await writeFile(htmlPath, renderDashboard(rows, { title: `Monthly temperatures · ${basename(options.cities)}`, generatedAt }));
  }
  return { ...(jsonPath ? { jsonPath } : {}), ...(htmlPath ? { htmlPath } : {}) };
}

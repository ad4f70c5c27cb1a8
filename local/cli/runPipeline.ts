// One pipeline run on this machine: start what is missing (Azurite, the Event Hubs emulator, the Open-Meteo
// stand-in with --offline), upload the city file with its date range as blob metadata, run the function app in the
// local host until it is idle, then report rejected lines, the month table, the JSON and the dashboard.
import { createReadStream } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { DEFAULT_WEATHER_API_URL, RESOURCES, SETTINGS } from '../../functions/config/settings.ts';
import type { FunctionDefinition } from '../../functions/app/definition.ts';
import { readCityFile } from '../../functions/core/city/readCityFile.ts';
import { isValidDate } from '../../functions/core/dates.ts';
import { toJsonRow, type MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import type { GroupBy } from '../../functions/core/query/groupBy.ts';
import type { DayRow } from '../../functions/core/dashboard/dashboardData.ts';
import { renderDashboard } from '../../functions/core/dashboard/renderDashboard.ts';
import type { RunReport } from '../../functions/core/ledger/reconcile.ts';
import { AppError, ensureErrorType } from '../../functions/errors.ts';
import { cityFileRunId } from '../../functions/ingest/onCityFile.ts';
import type { LocalHost, LocalHostStats } from '../host/createLocalHost.ts';
import { IdleTimeoutError } from '../host/idleMonitor.ts';
import { loadRecordedCells, type RecordedCells } from '../openmeteo/recordedCells.ts';
import type { LogSink } from '../host/invocations.ts';
import { CLIError } from './errors.ts';
import { startEnvironment, type Settings } from './environment.ts';
import { formatMonthlyTable } from './formatTable.ts';
import { formatLineReport } from './lineReport.ts';
import { printableLines } from '../printable.ts';
import { assertRecordingCovers } from './offlineCoverage.ts';
import { formatRunQuery, monthlyCsv, readRunDays } from './runSummary.ts';
import { startProgress } from './progress.ts';
import { probeConnect, unreachable, watchFetches } from './weatherApiReach.ts';
import type { RejectionSummary } from './runResults.ts';
import { createProgressSampler } from './sampleProgress.ts';

export interface PipelineOptions {
  cities: string;
  start: string;
  end: string;
  json?: string;
  html?: string;
  /** The month rows as CSV (the same columns as the JSON). */
  csv?: string;
  /** Print this query over the run's cities and months at the end, instead of every city-month. */
  groupBy?: GroupBy;
  offline?: boolean;
  /** With offline: make data up where the recording has none, marked synthetic in every output. */
  synthetic?: boolean;
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
  csvPath: string | undefined;
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
async function startAll(options: PipelineOptions, recorded: RecordedCells | undefined) {
  const starting = startEnvironment(options.env ?? process.env, { offline: options.offline ?? false, synthetic: options.synthetic ?? false, ...(recorded ? { recorded } : {}) });
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
  // Every line printed passes through printableLines: city names, reasons and paths come from input.
  const say = (text: string) => stderr.write(`${printableLines(text)}\n`);
  const out = (text: string) => stdout.write(printableLines(text));
  await checkOptions(options);
  const local = await scanLocalFile(options);
  const recorded = options.offline ? loadRecordedCells() : undefined;
  if (recorded && !options.synthetic) await assertRecordingCovers(options.cities, options, recorded);
  const apiUrl = (options.env ?? process.env)[SETTINGS.weatherApiUrl]?.trim() || DEFAULT_WEATHER_API_URL;
  if (!options.offline) {
    const failure = await probeConnect(apiUrl);
    if (failure) throw unreachable(apiUrl, failure, 'no connection could be opened, so nothing was started');
  }
  const began = new Date();
  const { environment, app } = await startAll(options, recorded);
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
    // The first fetches failing to connect, every attempt, end the run at once instead of after the queue's retries.
    const watch = options.offline ? undefined : watchFetches(running, apiUrl, { threshold: Math.min(3, Math.max(1, local.cityIds.size)) });
    try {
      await Promise.race([running.waitForIdle({ timeoutMs: options.timeoutMs ?? 15 * 60_000 }), ...(watch ? [watch.failed] : [])]);
    } catch (error) {
      watch?.stop();
      await progress.stop();
      if (error instanceof IdleTimeoutError) throw new CLIError('E_TIMEOUT', `${error.message}; rerun with --verbose to see the functions' logs`);
      throw error;
    }
    watch?.stop();
    const final = await sample();
    const seconds = (Date.now() - began.getTime()) / 1000;
    const n = (value: number) => value.toLocaleString('en-US');
    await progress.stop(`Done in ${seconds.toFixed(1)} s: ${n(final.jobsDone)} jobs, ${n(final.apiCalls)} API calls, ${n(final.eventsAggregated)} events aggregated`);

    const blobs = running.app.clients.blobService();
    const rejections = await readRejections(blobs, fileName, uploaded.etag ?? '');
    const lineReport = formatLineReport(fileName, rejections);
    if (lineReport) out(`${lineReport}\n\n`);
    const rows = await readMonthlyRows(running.app.clients.table(RESOURCES.aggregatesTable), local.cityIds, local.fromMonth, local.toMonth);
    const table = rows.length === 0 ? 'No monthly aggregates were produced.'
      : options.groupBy ? await formatRunQuery(running.app.clients.table(RESOURCES.aggregatesTable), local.cityIds, local, options.groupBy) : formatMonthlyTable(rows.map(markSynthetic));
    out(`${table}\n`);
    if (rows.some((r) => r.synthetic)) out(`${SYNTHETIC_MARK}: made up by the Open-Meteo stand-in (--synthetic), not weather\n`);
    const days = options.json || options.html ? await readRunDays(running.app.clients.table(RESOURCES.aggregatesTable), local.cityIds, local, rows.length) : undefined;
    const { jsonPath, htmlPath, csvPath } = await writeOutputs(options, rows, began, days);
    const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
    if (jsonPath || csvPath) out('\n');
    if (jsonPath) out(`JSON:  ${shown(jsonPath)}\n`);
    if (csvPath) out(`CSV:   ${shown(csvPath)}\n`);
    if (htmlPath) out(`Chart: ${shown(htmlPath)}\n`);
    const ledger = await readRunLedger(running.app.clients, cityFileRunId(fileName, uploaded.etag ?? ''));
    out(`\n${formatRunLedger(ledger)}\n`);

    const failures = await poisonedSince(running.app.clients.queueService(), began);
    if (failures.length > 0) throw new CLIError('E_POISON', `${failures.length} message(s) failed 5 times and are in a poison queue:\n  ${failures.join('\n  ')}`);
    const deadLetters = await deadLettersSince(blobs, began);
    if (deadLetters.length > 0) throw new CLIError('E_DEADLETTER', `${deadLetters.length} event(s) could not be aggregated:\n  ${deadLetters.join('\n  ')}`);
    assertBalanced(ledger);
    return { rows, rejections, jsonPath, htmlPath, csvPath, seconds, stats: running.stats(), apiCalls: final.apiCalls, ledger };
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_CONFIG') throw new CLIError('E_CONFIG', error.message, { cause: error });
    throw error;
  } finally {
    await host?.stop().catch(() => undefined);
    await environment.close();
  }
}

const SYNTHETIC_MARK = '[SYNTHETIC]';

function markSynthetic(row: MonthlyRow): MonthlyRow {
  return row.synthetic ? { ...row, city: `${row.city} ${SYNTHETIC_MARK}` } : row;
}

async function writeOutputs(options: PipelineOptions, rows: readonly MonthlyRow[], generatedAt: Date, days: DayRow[] | undefined): Promise<{ jsonPath?: string; htmlPath?: string; csvPath?: string }> {
  const jsonPath = options.json ? resolve(options.json) : undefined;
  const csvPath = options.csv ? resolve(options.csv) : undefined;
  if (csvPath) {
    await mkdir(dirname(csvPath), { recursive: true });
    await writeFile(csvPath, monthlyCsv(rows));
  }
  const htmlPath = options.html ? resolve(options.html) : jsonPath ? join(dirname(jsonPath), 'dashboard.html') : undefined;
  if (jsonPath) {
    await mkdir(dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify(rows.map(toJsonRow), null, 2)}\n`);
  }
  if (htmlPath) {
    await mkdir(dirname(htmlPath), { recursive: true });
    await writeFile(htmlPath, renderDashboard(rows, { title: `Monthly temperatures · ${basename(options.cities)}`, generatedAt, ...(days ? { days } : {}) }));
  }
  return { ...(jsonPath ? { jsonPath } : {}), ...(htmlPath ? { htmlPath } : {}), ...(csvPath ? { csvPath } : {}) };
}

// The run ledger in Table `runs`: one row per city file (RowKey `file`) and one per fetch job outcome
// (RowKey `job|<cityId>|<start>|<end>`), both upserted, so a redelivered message rewrites its own row and
// never adds a second. Aggregated and dead-lettered counts are not stored: reconcileRun derives them from
// the aggregates table and deadletter/, so the ledger cannot disagree with what is really there.
import { odata, type TableClient } from '@azure/data-tables';
import type { FileRecord, JobRecord, JobStatus } from '../core/ledger/reconcile.ts';

/** One line of the run list (GET /api/runs): what started the run and what it asked for, not yet reconciled. */
export interface RunSummary {
  runId: string;
  kind: 'file' | 'refresh';
  /** When the run's input arrived: the city file's upload time, or the refresh day. Orders the list. */
  at: string;
  file?: string;
  citiesAccepted: number;
  citiesRejected: number;
  duplicateLines: number;
  jobs: number;
  cityDaysRequested: number;
}

export interface RunPage {
  runs: RunSummary[];
  continuationToken?: string;
}

export interface RunLedger {
  recordFile(runId: string, record: FileRecord, at: Date): Promise<void>;
  recordJob(runId: string, record: JobRecord, at: Date): Promise<void>;
  read(runId: string): Promise<{ file: FileRecord | undefined; jobs: JobRecord[] }>;
  /** Adds (or rewrites, for a redelivered trigger) the run's line in the newest-first index. */
  indexRun(summary: RunSummary): Promise<void>;
  /** The index, newest first, one page at a time; a token from a previous page continues it. */
  listRuns(options: { pageSize: number; continuationToken?: string | undefined }): Promise<RunPage>;
}

/** The index's partition: no run id looks like it (file-<hex>, refresh-<date>). */
export const RUN_INDEX_PARTITION = 'index';
const INVERT_FROM = 1e15;

/** Newest first in RowKey order: the time inverted, then the run id (the same run always gets the same key). */
export function runIndexRowKey(at: string, runId: string): string {
  return `${String(INVERT_FROM - Date.parse(at)).padStart(15, '0')}|${runId}`;
}

const STATUSES: readonly JobStatus[] = ['done', 'rejected', 'failed'];

function jobRowKey(record: Pick<JobRecord, 'cityId' | 'start' | 'end'>): string {
  return `job|${record.cityId}|${record.start}|${record.end}`;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function createRunLedger(client: TableClient): RunLedger {
  return {
    async recordFile(runId, record, at) {
      await client.upsertEntity({ partitionKey: runId, rowKey: 'file', ...record, updatedAt: at.toISOString() }, 'Replace');
    },
    async recordJob(runId, record, at) {
      const { reason, ...rest } = record;
      await client.upsertEntity(
        { partitionKey: runId, rowKey: jobRowKey(record), ...rest, reason: reason ?? '', updatedAt: at.toISOString() },
        'Replace',
      );
    },
    async indexRun(summary) {
      await client.upsertEntity({ partitionKey: RUN_INDEX_PARTITION, rowKey: runIndexRowKey(summary.at, summary.runId), ...summary }, 'Replace');
    },
    async listRuns({ pageSize, continuationToken }) {
      const pages = client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${RUN_INDEX_PARTITION}` } })
        .byPage({ maxPageSize: pageSize, ...(continuationToken ? { continuationToken } : {}) });
      const page = await pages.next();
      if (page.done) return { runs: [] };
      const runs = page.value.map((row): RunSummary => ({
        runId: str(row.runId), kind: row.kind === 'refresh' ? 'refresh' : 'file', at: str(row.at),
        ...(str(row.file) ? { file: str(row.file) } : {}),
        citiesAccepted: num(row.citiesAccepted), citiesRejected: num(row.citiesRejected), duplicateLines: num(row.duplicateLines),
        jobs: num(row.jobs), cityDaysRequested: num(row.cityDaysRequested),
      }));
      return { runs, ...(page.value.continuationToken ? { continuationToken: page.value.continuationToken } : {}) };
    },
    async read(runId) {
      let file: FileRecord | undefined;
      const jobs: JobRecord[] = [];
      const rows = client.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${runId}` } });
      for await (const row of rows) {
        if (row.rowKey === 'file') {
          file = {
            file: str(row.file), citiesAccepted: num(row.citiesAccepted), citiesRejected: num(row.citiesRejected),
            duplicateLines: num(row.duplicateLines), jobs: num(row.jobs), cityDaysRequested: num(row.cityDaysRequested),
          };
        } else if (str(row.rowKey).startsWith('job|')) {
          const status = STATUSES.includes(row.status as JobStatus) ? (row.status as JobStatus) : 'failed';
          jobs.push({
            cityId: str(row.cityId), start: str(row.start), end: str(row.end), status,
            fetchedDays: num(row.fetchedDays), missingDays: num(row.missingDays), publishedEvents: num(row.publishedEvents),
            ...(num(row.syntheticDays) > 0 ? { syntheticDays: num(row.syntheticDays) } : {}),
            ...(str(row.reason) ? { reason: str(row.reason) } : {}),
          });
        }
      }
      return { file, jobs };
    },
  };
}

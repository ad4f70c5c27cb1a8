// The run ledger in Table `runs`: one row per city file (RowKey `file`) and one per fetch job outcome
// (RowKey `job|<cityId>|<start>|<end>`), both upserted, so a redelivered message rewrites its own row and
// never adds a second. Aggregated and dead-lettered counts are not stored: reconcileRun derives them from
// the aggregates table and deadletter/, so the ledger cannot disagree with what is really there.
import { odata, type TableClient } from '@azure/data-tables';
import type { FileRecord, JobRecord, JobStatus } from '../core/ledger/reconcile.ts';

export interface RunLedger {
  recordFile(runId: string, record: FileRecord, at: Date): Promise<void>;
  recordJob(runId: string, record: JobRecord, at: Date): Promise<void>;
  read(runId: string): Promise<{ file: FileRecord | undefined; jobs: JobRecord[] }>;
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

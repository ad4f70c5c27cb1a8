// Reads what a finished run left behind: its rejection report, its month rows, and anything that failed for good
// (poison queue messages, dead-lettered events) since the run started.
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import type { TableClient } from '@azure/data-tables';
import { createAggregateTable } from '../../functions/adapters/aggregateTable.ts';
import { decodeQueueMessage } from '../../functions/adapters/queues.ts';
import { RESOURCES } from '../../functions/config/settings.ts';
import type { LineNotice } from '../../functions/core/city/cityRanges.ts';
import type { RejectedLine } from '../../functions/core/city/parseCityLine.ts';
import { monthlyRowFromEntity, sortMonthlyRows, type MonthlyRow } from '../../functions/core/dashboard/monthlyRows.ts';
import { reportBlobName } from '../../functions/ingest/onCityFile.ts';

export interface RejectionSummary {
  rejected: RejectedLine[];
  total: number;
  /** Lines that are not errors (a city repeated), as the report keeps them. */
  notices: LineNotice[];
  noticeTotal: number;
}

const NONE: RejectionSummary = { rejected: [], total: 0, notices: [], noticeTotal: 0 };

/** The report ingest wrote for this version of the file (a report for an older ETag is not this run's). */
export async function readRejections(blobs: BlobServiceClient, fileName: string, etag: string): Promise<RejectionSummary> {
  try {
    const buffer = await blobs.getContainerClient(RESOURCES.rejectedContainer).getBlobClient(reportBlobName(fileName)).downloadToBuffer();
    const report = JSON.parse(buffer.toString('utf8')) as { etag?: string; rejected?: RejectedLine[]; rejectedCount?: number; notices?: LineNotice[]; noticeCount?: number };
    if (report.etag !== undefined && report.etag.replace(/"/g, '') !== etag.replace(/"/g, '')) return NONE;
    const rejected = report.rejected ?? [];
    const notices = report.notices ?? [];
    return { rejected, total: report.rejectedCount ?? rejected.length, notices, noticeTotal: report.noticeCount ?? notices.length };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return NONE;
    throw error;
  }
}

/** Month rows of the given cities within [fromMonth, toMonth] (YYYY-MM), sorted by city, year, month. */
export async function readMonthlyRows(table: TableClient, cityIds: ReadonlySet<string>, fromMonth: string, toMonth: string): Promise<MonthlyRow[]> {
  const rows: MonthlyRow[] = [];
  const aggregates = createAggregateTable(table);
  const select = ['PartitionKey', 'RowKey', 'city', 'lat', 'lng', 'min', 'max', 'mean', 'count', 'missingHours', 'synthetic'];
  for (const cityId of cityIds) {
    for await (const entity of aggregates.listMonthEntities({ cityId, from: fromMonth, to: toMonth, select })) {
      const row = monthlyRowFromEntity(entity);
      if (row) rows.push(row);
    }
  }
  return sortMonthlyRows(rows);
}

function describeMessage(text: string): string {
  try {
    const message = decodeQueueMessage(text) as Record<string, unknown>;
    if (typeof message.cityId === 'string') return `${message.cityId} ${String(message.start)}..${String(message.end)}`;
    if (typeof message.subject === 'string') return message.subject;
    return JSON.stringify(message).slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** Messages that reached a poison queue since `since`, described for people. */
export async function poisonedSince(queues: QueueServiceClient, since: Date): Promise<string[]> {
  const found: string[] = [];
  for (const queue of [RESOURCES.cityFilesQueue, RESOURCES.fetchJobsQueue]) {
    const peeked = await queues.getQueueClient(`${queue}-poison`).peekMessages({ numberOfMessages: 32 });
    for (const message of peeked.peekedMessageItems) {
      if (message.insertedOn.getTime() >= since.getTime() - 1_000) found.push(`${queue}-poison: ${describeMessage(message.messageText)}`);
    }
  }
  return found;
}

/** Dead-lettered events (the aggregator's `deadletter/` blobs) written since `since`. */
export async function deadLettersSince(blobs: BlobServiceClient, since: Date): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of blobs.getContainerClient(RESOURCES.deadletterContainer).listBlobsFlat()) {
    if (blob.properties.lastModified.getTime() >= since.getTime() - 1_000) found.push(`${RESOURCES.deadletterContainer}/${blob.name}`);
  }
  return found;
}

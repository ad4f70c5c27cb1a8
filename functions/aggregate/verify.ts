// Compares the stream's aggregates (live table) with a replay's (side table), field by field, exactly: numbers
// with Object.is, so a last-bit difference in a floating-point sum is reported too.
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import type { VerifyRequest } from './batchRequest.ts';

export interface Difference {
  cityId: string;
  month: string;
  field: string;
  stream: unknown;
  batch: unknown;
}

export interface VerifyResult {
  compared: number;
  differences: Difference[];
  onlyInStream: { cityId: string; month: string }[];
  onlyInBatch: { cityId: string; month: string }[];
  /** True when the lists above were cut at MAX_REPORTED entries (the counts below are still complete). */
  truncated: boolean;
  counts: { differences: number; onlyInStream: number; onlyInBatch: number };
}

export interface VerifyDeps {
  liveTable: AggregateTable;
  sideTable: (name: string) => AggregateTable;
}

export const MAX_REPORTED = 10_000;
const IGNORED = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp']);

async function load(table: AggregateTable, request: VerifyRequest): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const ranges = request.cities ? request.cities.map((cityId) => ({ cityId, from: request.from, to: request.to })) : [{ from: request.from, to: request.to }];
  for (const range of ranges) {
    for await (const entity of table.listMonthEntities(range)) out.set(`${String(entity.partitionKey)}\u0000${String(entity.rowKey)}`, entity);
  }
  return out;
}

function fields(entity: Record<string, unknown>): string[] {
  return Object.keys(entity).filter((k) => !IGNORED.has(k) && !k.includes('@'));
}

function place(key: string): { cityId: string; month: string } {
  const [cityId = '', rowKey = ''] = key.split('\u0000');
  return { cityId, month: rowKey.slice(2) };
}

export async function verify(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyResult> {
  const [stream, batch] = await Promise.all([load(deps.liveTable, request), load(deps.sideTable(request.sideTable), request)]);
  const result: VerifyResult = {
    compared: 0, differences: [], onlyInStream: [], onlyInBatch: [], truncated: false, counts: { differences: 0, onlyInStream: 0, onlyInBatch: 0 },
  };
  const report = <T>(list: T[], item: T) => {
    if (list.length < MAX_REPORTED) list.push(item);
    else result.truncated = true;
  };
  for (const key of [...new Set([...stream.keys(), ...batch.keys()])].sort()) {
    const s = stream.get(key);
    const b = batch.get(key);
    if (!b) {
      result.counts.onlyInStream++;
      report(result.onlyInStream, place(key));
      continue;
    }
    if (!s) {
      result.counts.onlyInBatch++;
      report(result.onlyInBatch, place(key));
      continue;
    }
    result.compared++;
    for (const field of [...new Set([...fields(s), ...fields(b)])].sort()) {
      if (Object.is(s[field], b[field])) continue;
      result.counts.differences++;
      report(result.differences, { ...place(key), field, stream: s[field] ?? null, batch: b[field] ?? null });
    }
  }
  return result;
}

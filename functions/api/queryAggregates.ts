// Runs an ad-hoc query against the aggregates table: reads month entities window by window (queryWindows), turns
// them into parts (month totals, or day records for a day grain), keeps those inside the bbox, and yields rows as
// the grouper finishes them. Nothing but the open groups and the page being read is held in memory.
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import type { QueryPart } from '../core/query/foldGroup.ts';
import { createRowGrouper, queryWindows } from '../core/query/groupRows.ts';
import type { GroupBy } from '../core/query/groupBy.ts';
import { dayParts, inBbox, monthPart, queryProperties, type Bbox } from '../core/query/queryParts.ts';
import type { QueryRow } from '../core/query/queryRow.ts';

export interface AggregateQuery {
  groupBy: GroupBy;
  from: string;
  to: string;
  /** Only these cities; undefined: every city in the table. */
  cityIds?: readonly string[];
  bbox?: Bbox;
  /** Entities per table page (1,000 by default); a test makes it small to watch the reads. */
  pageSize?: number;
}

/** Up to this many cities are read one partition each; more are filtered out of a scan of every city. */
export const PER_CITY_READS = 100;
const READ_AHEAD = 4;

/**
 * Yields each key's items in key order. The current key streams; the next few are read ahead into memory (one
 * city's months each), so a long list is not paced by one round trip per city.
 */
async function* inKeyOrder<T>(keys: readonly string[], open: (key: string) => AsyncIterable<T>): AsyncGenerator<T> {
  const ahead = new Map<number, Promise<T[]>>();
  const collect = async (items: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j <= i + READ_AHEAD && j < keys.length; j++) {
      if (ahead.has(j)) continue;
      const read = collect(open(keys[j]!));
      read.catch(() => undefined); // awaited in its turn; until then a failure must not be an unhandled rejection
      ahead.set(j, read);
    }
    const buffered = ahead.get(i);
    ahead.delete(i);
    if (buffered) yield* await buffered;
    else yield* open(keys[i]!);
  }
}

function entitiesOf(table: AggregateTable, query: AggregateQuery, window: { from: string; to: string }): AsyncIterable<Record<string, unknown>> {
  const select = queryProperties(query.groupBy.time);
  const read = (cityId?: string) => table.listMonthEntities({ ...window, select, ...(cityId === undefined ? {} : { cityId }), ...(query.pageSize ? { pageSize: query.pageSize } : {}) });
  const { cityIds } = query;
  if (cityIds === undefined) return read();
  if (cityIds.length <= PER_CITY_READS) return inKeyOrder([...new Set(cityIds)].sort(), read);
  const wanted = new Set(cityIds);
  return (async function* () {
    for await (const entity of read()) if (wanted.has(String(entity.partitionKey))) yield entity;
  })();
}

export async function* queryAggregates(table: AggregateTable, query: AggregateQuery): AsyncGenerator<QueryRow> {
  const grouper = createRowGrouper(query.groupBy, query);
  const partsOf = query.groupBy.time === 'day' ? dayParts : (entity: Record<string, unknown>): QueryPart[] => [monthPart(entity)];
  const { bbox } = query;
  for (const window of queryWindows(query.groupBy, query.from, query.to)) {
    for await (const entity of entitiesOf(table, query, window)) {
      if (bbox && !inBbox(Number(entity.lat), Number(entity.lng), bbox)) continue;
      for (const part of partsOf(entity)) yield* grouper.add(part);
    }
    yield* grouper.endWindow();
  }
}

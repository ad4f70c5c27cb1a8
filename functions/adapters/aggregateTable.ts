// The `aggregates` table behind a small interface. Writes are optimistic: read the touched months of one city,
// merge, then write them in entity-group transactions with If-Match (or create); a conflict re-reads and re-merges.
// Asked to (`cachedMonths`, the stream does), it keeps the months and ETags it last read or wrote, so a city's next
// batch skips the read: its writes are just as conditional, and a conflict drops the city and re-reads.
// Requests per call are O(months touched), never O(readings); every call reports how many it made.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { DayRecord } from '../core/aggregate/dayPartial.ts';
import { EMPTY_MONTH, mergeDays, type MonthState } from '../core/aggregate/mergeDays.ts';
import { fromMonthEntity, monthAggregate, monthRowKey, toMonthEntity } from '../core/aggregate/monthEntity.ts';
import { UpstreamError } from '../errors.ts';
import { createMonthCache, type KnownMonth } from './monthCache.ts';

export type Combine = (stored: MonthState, incoming: readonly DayRecord[]) => { month: MonthState; changed: number };
export interface Place { city: string; lat: number; lng: number }
export interface ApplyResult { changedDays: number; writtenMonths: number; operations: number; attempts: number }

export interface AggregateTable {
  /** Applies day records, grouped by month (YYYY-MM), to one city. Retries conflicts; throws when they persist. */
  applyCity(cityId: string, place: Place, months: ReadonlyMap<string, readonly DayRecord[]>, combine?: Combine): Promise<ApplyResult>;
  /**
   * Month entities (raw properties) in [from, to], of one city or of all; in PartitionKey, RowKey order. Read one
   * page (≤ pageSize, default 1,000) at a time, and the next only when the consumer asks for it.
   */
  listMonthEntities(range: { cityId?: string; from: string; to: string; select?: string[]; pageSize?: number }): AsyncIterable<Record<string, unknown>>;
  /** Creates the table when missing (side tables of the replay). */
  ensureTable(): Promise<void>;
}

export interface AggregateTableOptions {
  maxAttempts?: number;
  /** Waits between conflict retries; replaceable so a test can observe retries without slowing down. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Months (of all cities) whose state and ETag are kept between calls (~8 KB each at 31 days). 0, the default,
   * reads before every write: what `replay` needs, since its job is to compare with what the table holds now.
   */
  cachedMonths?: number;
}

/** Entity-group transactions take at most 100 actions, all in one partition. */
export const MAX_TRANSACTION_ACTIONS = 100;

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

/** 412: an If-Match lost to another writer; 409: a create lost to another writer. Both mean: re-read. */
export function isWriteConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAggregateTable(client: TableClient, options: AggregateTableOptions = {}): AggregateTable {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;

  type Counter = { operations: number };

  const cache = createMonthCache(options.cachedMonths ?? 0);

  async function readStored(cityId: string, from: string, to: string, counter: Counter): Promise<Map<string, KnownMonth>> {
    const stored = new Map<string, KnownMonth>();
    const filter = odata`PartitionKey eq ${cityId} and RowKey ge ${monthRowKey(from)} and RowKey le ${monthRowKey(to)}`;
    for await (const page of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: 1000 })) {
      counter.operations++;
      for (const entity of page) {
        const aggregate = fromMonthEntity(entity);
        stored.set(aggregate.month, { state: aggregate.state, etag: String(entity.etag) });
      }
    }
    cache.set(cityId, stored, 'read');
    return stored;
  }

  /** `known`: the city's months from the cache, merged onto instead of a read. */
  async function attempt(cityId: string, place: Place, months: ReadonlyMap<string, readonly DayRecord[]>, combine: Combine, counter: Counter, known: ReadonlyMap<string, KnownMonth> | undefined) {
    const keys = [...months.keys()].sort();
    const stored = known ?? await readStored(cityId, keys[0] ?? '', keys[keys.length - 1] ?? '', counter);
    let changedDays = 0;
    const actions: TransactionAction[] = [];
    const written: { month: string; state: MonthState }[] = [];
    for (const month of keys) {
      const current = stored.get(month);
      const next = combine(current?.state ?? EMPTY_MONTH, months.get(month) ?? []);
      if (next.changed === 0) continue; // a pure redelivery writes nothing
      changedDays += next.changed;
      const entity = toMonthEntity(monthAggregate(cityId, month, place, next.month));
      actions.push(current ? ['update', entity, 'Replace', { etag: current.etag }] : ['create', entity]);
      written.push({ month, state: next.month });
    }
    for (let i = 0; i < actions.length; i += MAX_TRANSACTION_ACTIONS) {
      counter.operations++;
      let response;
      try {
        response = await client.submitTransaction(actions.slice(i, i + MAX_TRANSACTION_ACTIONS));
      } catch (error) {
        // A conflict, or an outcome nobody knows (a lost answer): either way the table must be read again.
        cache.forget(cityId);
        throw error;
      }
      // Sub-responses come in the order of the actions; the ETag of each is the new version of its month.
      const learned = new Map<string, KnownMonth>();
      response.subResponses.forEach((sub, j) => {
        const write = written[i + j];
        if (write && sub.etag) learned.set(write.month, { state: write.state, etag: sub.etag });
        else if (write) cache.forget(cityId);
      });
      cache.set(cityId, learned, 'written');
    }
    return { changedDays, writtenMonths: actions.length };
  }

  return {
    async applyCity(cityId, place, months, combine = mergeDays) {
      const counter = { operations: 0 };
      let known = cache.get(cityId);
      for (let n = 1; ; n++) {
        try {
          const result = await attempt(cityId, place, months, combine, counter, known);
          return { ...result, operations: counter.operations, attempts: n };
        } catch (error) {
          // A stale cache (another writer, a restart, an entity deleted since: 404) re-reads at once; only a
          // conflict after a read is contention.
          if (known && (isWriteConflict(error) || statusOf(error) === 404)) {
            known = undefined;
            continue;
          }
          if (!isWriteConflict(error)) throw error;
          if (n >= maxAttempts) {
            throw new UpstreamError(`aggregates ${cityId}: write conflicts persisted after ${n} attempts`, { status: statusOf(error), cause: error });
          }
          // Full jitter: concurrent writers of one partition spread out instead of colliding again in step.
          await sleep(Math.random() * Math.min(1000, 20 * 2 ** n));
        }
      }
    },
    async *listMonthEntities({ cityId, from, to, select, pageSize = 1000 }) {
      const filter = cityId === undefined
        ? odata`RowKey ge ${monthRowKey(from)} and RowKey le ${monthRowKey(to)}`
        : odata`PartitionKey eq ${cityId} and RowKey ge ${monthRowKey(from)} and RowKey le ${monthRowKey(to)}`;
      const queryOptions = select ? { filter, select } : { filter };
      for await (const page of client.listEntities<Record<string, unknown>>({ queryOptions }).byPage({ maxPageSize: pageSize })) {
        yield* page;
      }
    },
    async ensureTable() {
      try {
        await client.createTable();
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    },
  };
}

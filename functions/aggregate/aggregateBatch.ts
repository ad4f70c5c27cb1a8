// One Event Hubs batch: decode, group by (cityId, month), apply each city's months through the table adapter,
// dead-letter what can never apply. Throws on transient failures so the host's retry policy re-runs the whole
// batch, which is safe because applying a day is idempotent.
import type { InvocationContext } from '@azure/functions';
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import type { BlobStore } from '../adapters/blobs.ts';
import { decodeCityDayEvent } from '../core/aggregate/decodeCityDayEvent.ts';
import { dayRecord, type DayRecord } from '../core/aggregate/dayPartial.ts';
import type { CityDayEvent } from '../core/model.ts';
import { AppError, ensureErrorType } from '../errors.ts';
import { forEachLimit } from './forEachLimit.ts';

export interface AggregateBatchDeps {
  table: AggregateTable;
  blobs: BlobStore;
  deadletterContainer: string;
  /** Cities written in parallel; each city is one partition, so they never conflict with each other. */
  cityConcurrency?: number;
}

export interface BatchMetadata {
  partitionId: string;
  sequenceNumbers: readonly (number | string | undefined)[];
  enqueuedTimes: readonly (string | undefined)[];
}

export interface BatchResult {
  events: number;
  cities: number;
  months: number;
  appliedDays: number;
  deadLettered: number;
  tableOperations: number;
}

interface CityGroup { events: { index: number; event: CityDayEvent }[]; months: Map<string, DayRecord[]> }

/** The host's batch metadata; missing pieces become placeholders rather than a failed batch. */
export function readBatchMetadata(triggerMetadata: Record<string, unknown> | undefined): BatchMetadata {
  const partition = triggerMetadata?.partitionContext as { partitionId?: unknown } | undefined;
  const array = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  return {
    partitionId: typeof partition?.partitionId === 'string' ? partition.partitionId : 'unknown',
    sequenceNumbers: array(triggerMetadata?.sequenceNumberArray).map((s) => (typeof s === 'number' || typeof s === 'string' ? s : undefined)),
    enqueuedTimes: array(triggerMetadata?.enqueuedTimeUtcArray).map((t) => (t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined)),
  };
}

/**
 * A table answer that retrying cannot change: a corrupt stored entity or a request the service refuses as such.
 * A missing table (404) or auth failure is the deployment's fault, not the event's: those are retried.
 */
function isPermanent(error: Error): boolean {
  if (error instanceof AppError) return error.code === 'E_VALIDATION';
  const status = (error as { statusCode?: number }).statusCode;
  return status === 400 || status === 413;
}

function bodyForDeadLetter(body: unknown): unknown {
  return body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : body;
}

/**
 * `finalAttempt`: the host will not retry this batch again (its checkpoint moves on either way), so events whose
 * city still fails are dead-lettered rather than dropped; their raw blobs let `replay` apply them later.
 */
export async function aggregateBatch(deps: AggregateBatchDeps, bodies: readonly unknown[], meta: BatchMetadata, finalAttempt = false): Promise<BatchResult> {
  const result: BatchResult = { events: bodies.length, cities: 0, months: 0, appliedDays: 0, deadLettered: 0, tableOperations: 0 };
  const deadLetter = async (index: number, reason: string) => {
    const sequenceNumber = meta.sequenceNumbers[index];
    // The sequence number is unique per partition, so a redelivered poison event overwrites its own dead letter.
    const name = `${meta.partitionId}/${sequenceNumber ?? `unsequenced-${meta.enqueuedTimes[index] ?? 'unknown'}-${index}`}.json`;
    await deps.blobs.putJson(deps.deadletterContainer, name, {
      reason, sequenceNumber: sequenceNumber ?? null, partitionId: meta.partitionId, enqueuedTime: meta.enqueuedTimes[index] ?? null, body: bodyForDeadLetter(bodies[index]),
    });
    result.deadLettered++;
  };

  const cities = new Map<string, CityGroup>();
  const rejected: { index: number; reason: string }[] = [];
  bodies.forEach((body, index) => {
    const decoded = decodeCityDayEvent(body);
    if (!decoded.ok) {
      rejected.push({ index, reason: decoded.reason });
      return;
    }
    const { event } = decoded;
    const group = cities.get(event.cityId) ?? { events: [], months: new Map<string, DayRecord[]>() };
    group.events.push({ index, event });
    const month = event.date.slice(0, 7);
    const days = group.months.get(month);
    if (days) days.push(dayRecord(event));
    else group.months.set(month, [dayRecord(event)]);
    cities.set(event.cityId, group);
  });
  await forEachLimit(rejected, 8, ({ index, reason }) => deadLetter(index, reason));

  result.cities = cities.size;
  await forEachLimit([...cities], deps.cityConcurrency ?? 8, async ([cityId, group]) => {
    result.months += group.months.size;
    const first = group.events[0]?.event;
    if (!first) return;
    try {
      const applied = await deps.table.applyCity(cityId, { city: first.city, lat: first.lat, lng: first.lng }, group.months);
      result.appliedDays += applied.changedDays;
      result.tableOperations += applied.operations;
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      if (!isPermanent(error) && !finalAttempt) throw error;
      const why = isPermanent(error) ? 'table rejected' : 'retries exhausted for';
      await forEachLimit(group.events, 8, ({ index }) => deadLetter(index, `${why} city ${cityId}: ${error.message}`));
    }
  });
  return result;
}

export function createAggregateTemperaturesHandler(deps: AggregateBatchDeps) {
  return async (events: unknown[], context: InvocationContext): Promise<void> => {
    const meta = readBatchMetadata(context.triggerMetadata);
    const retry = context.retryContext;
    const finalAttempt = retry !== undefined && retry.maxRetryCount >= 0 && retry.retryCount >= retry.maxRetryCount;
    const prefix = `aggregateTemperatures partition=${meta.partitionId} invocation=${context.invocationId} retry=${retry?.retryCount ?? 0}`;
    try {
      const r = await aggregateBatch(deps, events, meta, finalAttempt);
      context.log(`${prefix} events=${r.events} cities=${r.cities} months=${r.months} appliedDays=${r.appliedDays} deadLettered=${r.deadLettered} tableOperations=${r.tableOperations}`);
      if (r.deadLettered > 0) context.warn(`${prefix} dead-lettered ${r.deadLettered} event(s) to deadletter/${meta.partitionId}/`);
    } catch (thrown) {
      const error = ensureErrorType(thrown);
      context.error(`${prefix} failed, the batch will be retried: ${error.message}`);
      throw error;
    }
  };
}

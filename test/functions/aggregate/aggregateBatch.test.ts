import { beforeAll, describe, expect, inject, it } from 'vitest';
import { aggregateBatch, createAggregateTemperaturesHandler, readBatchMetadata } from '../../../functions/aggregate/aggregateBatch.ts';
import type { CityDayEvent } from '../../../functions/core/model.ts';
import { makeEvent } from '../core/aggregate/makeEvent.ts';
import { eventHubContext, newContainer, newTable, tableSnapshot, type Logged } from './fixtures.ts';

const connectionString = inject('azuriteConnectionString');
let deadletter: Awaited<ReturnType<typeof newContainer>>;
beforeAll(async () => {
  deadletter = await newContainer(connectionString, 'deadletter-agg-');
});

const cities = ['boston-ma-usa', 'salem-ma-usa', 'peabody-ma-usa'];
const day = (cityId: string, date: string, hourly?: (number | null)[], fetchedAt = '2023-09-23T10:00:00Z'): CityDayEvent =>
  makeEvent({ cityId, city: cityId, date, source: { api: 'archive', fetchedAt }, hourly: hourly ?? Array.from({ length: 24 }, (_, h) => ((date.charCodeAt(9) * 7 + h * 3 + cityId.length) % 40) - 10.5 + h / 10) });
const dates = ['2023-01-30', '2023-01-31', '2023-02-01', '2023-02-02', '2023-03-15'];
const events = cities.flatMap((c) => dates.map((d) => day(c, d)));

async function runBatches(batches: unknown[][]) {
  const { client, table } = await newTable(connectionString, 'aggbatch');
  const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
  let sequence = 0;
  for (const batch of batches) {
    await handler(batch, eventHubContext('0', sequence, batch.length));
    sequence += batch.length;
  }
  return tableSnapshot(client);
}

describe('createAggregateTemperaturesHandler', () => {
  it('writes one entity per city and month with totals from the day partials', async () => {
    const snapshot = await runBatches([events]);
    expect(Object.keys(snapshot).sort()).toEqual(cities.flatMap((c) => [`${c}/M|2023-01`, `${c}/M|2023-02`, `${c}/M|2023-03`]).sort());
    const hours = [...dates.slice(0, 2).map((d) => day('salem-ma-usa', d).hourly)].flat() as number[];
    expect(snapshot['salem-ma-usa/M|2023-01']).toMatchObject({
      min: Math.min(...hours), max: Math.max(...hours), count: 48, missingHours: 0, days: 2, city: 'salem-ma-usa',
    });
    expect(snapshot['salem-ma-usa/M|2023-01']?.mean).toBeCloseTo(hours.reduce((a, b) => a + b, 0) / 48, 12);
  });

  it('gives identical entities when events are delivered twice, reversed, or split across batches', async () => {
    const once = await runBatches([events]);
    expect(await runBatches([events, events])).toEqual(once);
    expect(await runBatches([[...events].reverse()])).toEqual(once);
    expect(await runBatches([events.slice(0, 4), events.slice(4, 11), events.slice(11)])).toEqual(once);
    expect(await runBatches([events.slice(7), events.slice(0, 9)])).toEqual(once);
  });

  it.each([
    ['nulls first', [0, 1]],
    ['complete first', [1, 0]],
  ])('ends with the complete day and no missing hours when the fetch with nulls arrives %s', async (_name, order) => {
    const withNulls = day('boston-ma-usa', '2023-08-28', Array.from({ length: 24 }, (_, h) => (h > 12 ? null : h)), '2023-08-30T00:00:00Z');
    const complete = day('boston-ma-usa', '2023-08-28', Array.from({ length: 24 }, (_, h) => h + 0.5), '2023-09-05T00:00:00Z');
    const versions = [withNulls, complete];
    const snapshot = await runBatches(order.map((i) => [versions[i]]));
    expect(snapshot['boston-ma-usa/M|2023-08']).toMatchObject({ count: 24, missingHours: 0, min: 0.5, max: 23.5, days: 1 });
  });

  it('changes nothing when a batch is re-delivered after its table write (crash before checkpoint)', async () => {
    const { client, table } = await newTable(connectionString, 'aggcrash');
    const deps = { table, blobs: deadletter.blobs, deadletterContainer: deadletter.name };
    const meta = { partitionId: '3', sequenceNumbers: events.map((_, i) => i), enqueuedTimes: [] };
    const first = await aggregateBatch(deps, events, meta);
    const before = await tableSnapshot(client);
    const etags = new Map<string, string>();
    for await (const e of client.listEntities()) etags.set(`${e.partitionKey}/${e.rowKey}`, String(e.etag));
    const again = await aggregateBatch(deps, events, meta);
    expect(first.appliedDays).toBe(15);
    expect(again).toMatchObject({ appliedDays: 0, deadLettered: 0, tableOperations: 3 });
    expect(await tableSnapshot(client)).toEqual(before);
    for await (const e of client.listEntities()) expect(String(e.etag)).toBe(etags.get(`${e.partitionKey}/${e.rowKey}`));
  });

  it('loses no update when several aggregators write the same entities concurrently', async () => {
    const { client, table } = await newTable(connectionString, 'aggrace');
    const deps = { table, blobs: deadletter.blobs, deadletterContainer: deadletter.name };
    const days = Array.from({ length: 28 }, (_, i) => `2023-02-${String(i + 1).padStart(2, '0')}`);
    // Six writers, each with a different slice of February for the same three cities, all at once.
    const batches = Array.from({ length: 6 }, (_, w) => cities.flatMap((c) => days.filter((_, i) => i % 6 === w).map((d) => day(c, d))));
    const results = await Promise.all(batches.map((batch, w) =>
      aggregateBatch(deps, batch, { partitionId: String(w), sequenceNumbers: batch.map((_, i) => i), enqueuedTimes: [] })));
    const snapshot = await tableSnapshot(client);
    for (const c of cities) expect(snapshot[`${c}/M|2023-02`]).toMatchObject({ days: 28, count: 28 * 24 });
    expect(results.reduce((n, r) => n + r.appliedDays, 0)).toBe(3 * 28);
  });

  it('dead-letters a malformed event under its partition and sequence number and applies the rest of the batch', async () => {
    const { client, table } = await newTable(connectionString, 'aggpoison');
    const logs: Logged[] = [];
    const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
    const bad = { ...day('boston-ma-usa', '2023-01-05'), v: 7 };
    const batch = [day('boston-ma-usa', '2023-01-04'), bad, '{not json', Buffer.from(JSON.stringify(day('salem-ma-usa', '2023-01-04')))];
    await handler(batch, eventHubContext('5', 100, batch.length, logs));
    const snapshot = await tableSnapshot(client);
    expect(snapshot['boston-ma-usa/M|2023-01']).toMatchObject({ days: 1 });
    expect(snapshot['salem-ma-usa/M|2023-01']).toMatchObject({ days: 1 });
    const letter = JSON.parse((await deadletter.blobs.getText(deadletter.name, '5/101.json')) ?? 'null') as Record<string, unknown>;
    expect(letter).toEqual({ reason: 'v must be 1, got 7', sequenceNumber: 101, partitionId: '5', enqueuedTime: '2023-09-23T10:00:00.000Z', body: bad });
    expect(JSON.parse((await deadletter.blobs.getText(deadletter.name, '5/102.json')) ?? 'null')).toMatchObject({ reason: 'body is not JSON', body: '{not json' });
    expect(logs.find((l) => l.level === 'information')?.text).toMatch(/partition=5 .*events=4 cities=2 months=2 appliedDays=2 deadLettered=2 tableOperations=4/);
  });

  it('rejects a batch it cannot write so the host retries it, and applies it on the retry', async () => {
    const { client, table } = await newTable(connectionString, 'aggretry');
    await client.deleteTable();
    const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
    await expect(handler(events.slice(0, 3), eventHubContext('1', 0, 3))).rejects.toThrow();
    await client.createTable();
    await handler(events.slice(0, 3), eventHubContext('1', 0, 3));
    expect(Object.keys(await tableSnapshot(client))).toHaveLength(2);
  });

  it('dead-letters instead of dropping when the last retry of a batch still fails', async () => {
    const { client, table } = await newTable(connectionString, 'agglast');
    await client.deleteTable();
    const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
    const context = eventHubContext('9', 40, 2);
    context.retryContext = { retryCount: 5, maxRetryCount: 5 };
    await handler(events.slice(0, 2), context);
    const letter = JSON.parse((await deadletter.blobs.getText(deadletter.name, '9/41.json')) ?? 'null') as Record<string, unknown>;
    expect(letter.reason).toMatch(/^retries exhausted for city boston-ma-usa/);
  });
});

describe('readBatchMetadata', () => {
  it('reads partition, sequence numbers and enqueued times from the trigger metadata', () => {
    expect(readBatchMetadata({ partitionContext: { partitionId: '7' }, sequenceNumberArray: [4, 5], enqueuedTimeUtcArray: [new Date(0), 'x'] }))
      .toEqual({ partitionId: '7', sequenceNumbers: [4, 5], enqueuedTimes: ['1970-01-01T00:00:00.000Z', 'x'] });
  });

  it('tolerates missing metadata', () => {
    expect(readBatchMetadata(undefined)).toEqual({ partitionId: 'unknown', sequenceNumbers: [], enqueuedTimes: [] });
  });
});

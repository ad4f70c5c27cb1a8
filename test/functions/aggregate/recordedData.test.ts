import { describe, expect, inject, it } from 'vitest';
import { aggregateBatch } from '../../../functions/aggregate/aggregateBatch.ts';
import { newContainer, newTable, tableSnapshot } from './fixtures.ts';
import { recorded, recordedEvents, referenceAggregates } from './recordedData.ts';

const connectionString = inject('azuriteConnectionString');

describe('aggregateBatch over the recorded us50-2023 data', () => {
  it('gives every city-month the aggregates computed independently from the recorded readings', async () => {
    const { client, table } = await newTable(connectionString, 'aggrecorded');
    const deadletter = await newContainer(connectionString, 'deadletter-rec-');
    const events = recordedEvents();
    expect(events).toHaveLength(50 * 242);
    // Batches of 500 in hub order (the producer sends city by city), spread over 4 partitions.
    const started = performance.now();
    let operations = 0;
    for (let i = 0, batch = 0; i < events.length; i += 500, batch++) {
      const slice = events.slice(i, i + 500);
      const r = await aggregateBatch({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name }, slice,
        { partitionId: String(batch % 4), sequenceNumbers: slice.map((_, k) => i + k), enqueuedTimes: [] });
      expect(r.deadLettered).toBe(0);
      // O(cities × months) per batch: one read and one transaction per touched city, whatever the readings.
      expect(r.tableOperations).toBe(2 * r.cities);
      operations += r.tableOperations;
    }
    console.log(`recorded data: ${events.length} events, ${events.length * 24} readings, ${operations} table requests, ${Math.round(performance.now() - started)} ms`);

    const snapshot = await tableSnapshot(client);
    const reference = referenceAggregates();
    expect(Object.keys(snapshot).sort()).toEqual([...reference.keys()].sort());
    for (const [key, ref] of reference) {
      const entity = snapshot[key];
      expect(entity, key).toMatchObject({ min: ref.min, max: ref.max, count: ref.count, minAt: ref.minAt, maxAt: ref.maxAt, days: ref.days, missingHours: 0 });
      expect(entity?.mean as number, key).toBeCloseTo(ref.mean, 9);
    }
    // Medford, Malden and Everett share one cell: three cities, three entities each, same values, no merging.
    const shared = recorded.cities.filter((c) => /^(Medford|Malden|Everett), MA/.test(c.city)).map((c) => c.cityId);
    expect(shared).toHaveLength(3);
    expect(new Set(shared.map((id) => snapshot[`${id}/M|2023-03`]?.mean)).size).toBe(1);
    expect(snapshot[`${shared[0]}/M|2023-03`]?.count).toBe(31 * 24);
  });
});

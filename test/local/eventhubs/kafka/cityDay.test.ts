// The original Flink job's path: city-day events produced over Kafka (JSON value, cityId as key) reach the aggregator
// through the emulator and give exactly the aggregates the same events give when fetchCityWeather's publisher sends
// them over AMQP.
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventPublisher } from '../../../../functions/adapters/eventPublisher.ts';
import { createAggregateTemperaturesHandler } from '../../../../functions/aggregate/aggregateBatch.ts';
import type { CityDayEvent } from '../../../../functions/core/model.ts';
import type { RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { eventHubContext, newContainer, newTable, tableSnapshot } from '../../../functions/aggregate/fixtures.ts';
import { makeEvent } from '../../../functions/core/aggregate/makeEvent.ts';
import { collect } from '../helpers.ts';
import { kafkajs, startWithKafka } from './clients.ts';

const storage = inject('azuriteConnectionString');
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startWithKafka({
    config: { UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'cityDays', Entities: [
      { Name: 'via-amqp', PartitionCount: 4, ConsumerGroups: [{ Name: 'aggregator' }] },
      { Name: 'via-kafka', PartitionCount: 4, ConsumerGroups: [{ Name: 'aggregator' }] },
    ] }] } },
  });
});
afterAll(async () => {
  await emulator?.close();
});

const dates = ['2023-01-30', '2023-01-31', '2023-02-01', '2023-02-28', '2023-03-01'];
const events: CityDayEvent[] = ['boston-ma-usa', 'salem-ma-usa'].flatMap((cityId) =>
  dates.map((date, d) => makeEvent({
    cityId, city: cityId, date,
    hourly: Array.from({ length: 24 }, (_, h) => (h === 5 && d === 1 ? null : ((h * 7 + d * 3 + cityId.length) % 31) - 9.5 + h / 8)),
  })));

/** Reads a hub from the start with the AMQP client and applies what arrives, partition by partition, to a new table. */
async function aggregate(hub: string) {
  const consumer = new EventHubConsumerClient('aggregator', emulator.connectionString, hub);
  let received;
  try {
    received = await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.length >= events.length, 15_000);
  } finally {
    await consumer.close();
  }
  const { client, table } = await newTable(storage, 'kafkacityday');
  const deadletter = await newContainer(storage, 'kafkacityday-dl-');
  const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
  for (const partitionId of ['0', '1', '2', '3']) {
    const mine = received.filter((r) => r.partitionId === partitionId).map((r) => r.event);
    if (mine.length > 0) await handler(mine.map((e) => e.body), eventHubContext(partitionId, mine[0]?.sequenceNumber ?? 0, mine.length));
  }
  return tableSnapshot(client);
}

describe('a city-day event produced over Kafka', () => {
  it('is aggregated exactly like the same event published by fetchCityWeather over AMQP', async () => {
    const amqp = new EventHubProducerClient(emulator.connectionString, 'via-amqp');
    try {
      await createEventPublisher(amqp).publish(events);
    } finally {
      await amqp.close();
    }
    const producer = kafkajs(emulator).producer();
    await producer.connect();
    await producer.send({ topic: 'via-kafka', messages: events.map((event) => ({ key: event.cityId, value: JSON.stringify(event) })) });
    await producer.disconnect();

    const [fromAmqp, fromKafka] = [await aggregate('via-amqp'), await aggregate('via-kafka')];
    expect(Object.keys(fromKafka).sort()).toEqual(['boston-ma-usa', 'salem-ma-usa'].flatMap((c) => [`${c}/M|2023-01`, `${c}/M|2023-02`, `${c}/M|2023-03`]));
    expect(fromKafka).toEqual(fromAmqp);
    expect(fromKafka['salem-ma-usa/M|2023-01']).toMatchObject({ days: 2, count: 47, missingHours: 1 });
  });
});

import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
  latestEventPosition,
} from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { waitUntil } from '../../waitUntil.ts';
import { bodies, collect } from './helpers.ts';

const HUB = 'positions';
let emulator: RunningEmulator;
let producer: EventHubProducerClient;
let consumer: EventHubConsumerClient;
/** The emulator's debug lines: a consumer link's attach is logged once its start position is fixed. */
const debugLines: string[] = [];
const consumerAttaches = (partitionId: string) =>
  debugLines.filter((line) => line.includes("consumer link '") && line.endsWith(`attached to '${HUB}/ConsumerGroups/$default/Partitions/${partitionId}'`)).length;

beforeAll(async () => {
  emulator = await start({
    port: 0,
    logger: { debug: (line) => void debugLines.push(line), warn: () => undefined },
    config: { UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'emulatorNs1', Entities: [{ Name: HUB, PartitionCount: 2, ConsumerGroups: [] }] }] } },
  });
  producer = new EventHubProducerClient(emulator.connectionString, HUB);
  consumer = new EventHubConsumerClient('$default', emulator.connectionString, HUB);
  // Partition 0 holds e0..e4, sent one batch at a time so each has its own enqueued time: the next send starts only
  // once the clock has moved past the moment the previous one was acknowledged (and so enqueued).
  for (let i = 0; i < 5; i++) {
    await producer.sendBatch([{ body: `e${i}`, properties: { i } }], { partitionId: '0' });
    const acknowledged = Date.now();
    await waitUntil(() => Date.now() > acknowledged, 1_000, 'the clock to tick');
  }
});

afterAll(async () => {
  await consumer?.close();
  await producer?.close();
  await emulator?.close();
});

const fromPartition0 = (startPosition: Parameters<typeof collect>[1]['startPosition'], count: number) =>
  collect(consumer, { partitionId: '0', startPosition }, (events) => events.length >= count, 10_000);

describe('start', () => {
  it('delivers every event from the earliest position with sequence numbers, string offsets and properties', async () => {
    const events = await fromPartition0(earliestEventPosition, 5);
    expect(bodies(events)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(events.map((c) => c.event.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    for (const { event } of events) {
      expect(typeof event.offset).toBe('string');
      expect(event.enqueuedTimeUtc).toBeInstanceOf(Date);
    }
    expect(events[3]?.event.properties).toEqual({ i: 3 });
  });

  it('honours offsets, exclusive and inclusive', async () => {
    const all = await fromPartition0(earliestEventPosition, 5);
    const offset = all[2]?.event.offset ?? '';
    expect(bodies(await fromPartition0({ offset, isInclusive: false }, 2))).toEqual(['e3', 'e4']);
    expect(bodies(await fromPartition0({ offset, isInclusive: true }, 3))).toEqual(['e2', 'e3', 'e4']);
  });

  it('honours sequence numbers, exclusive and inclusive', async () => {
    expect(bodies(await fromPartition0({ sequenceNumber: 1 }, 3))).toEqual(['e2', 'e3', 'e4']);
    expect(bodies(await fromPartition0({ sequenceNumber: 1, isInclusive: true }, 4))).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('honours enqueued times', async () => {
    const all = await fromPartition0(earliestEventPosition, 5);
    const enqueuedOn = all[1]?.event.enqueuedTimeUtc ?? new Date();
    expect(bodies(await fromPartition0({ enqueuedOn }, 3))).toEqual(['e2', 'e3', 'e4']);
  });

  it('delivers only events sent after the subscription from the latest position', async () => {
    await producer.sendBatch([{ body: 'before' }], { partitionId: '1' });
    const attachedBefore = consumerAttaches('1');
    const received = collect(consumer, { partitionId: '1', startPosition: latestEventPosition }, (e) => bodies(e).includes('after'), 10_000);
    // "Latest" is fixed when the receiver's link attaches: send only once the emulator has logged that attach.
    await waitUntil(() => consumerAttaches('1') > attachedBefore, 10_000, 'the receiver on partition 1 to attach');
    await producer.sendBatch([{ body: 'after' }], { partitionId: '1' });
    expect(bodies(await received)).toEqual(['after']);
  });

  it('reports last-enqueued runtime metrics when asked', async () => {
    const events = await collect(
      consumer,
      { partitionId: '0', startPosition: earliestEventPosition, trackLastEnqueuedEventProperties: true },
      (e) => e.length >= 1,
      10_000,
    );
    const metrics = events[0]?.lastEnqueued;
    expect(metrics?.sequenceNumber).toBe(4);
    expect(typeof metrics?.offset).toBe('string');
    expect(metrics?.enqueuedOn).toBeInstanceOf(Date);
    expect(metrics?.retrievedOn).toBeInstanceOf(Date);
  });

  it('reads hub and partition properties with their types', async () => {
    const hub = await producer.getEventHubProperties();
    expect(hub).toMatchObject({ name: HUB, partitionIds: ['0', '1'] });
    expect(hub.createdOn).toBeInstanceOf(Date);
    const partition = await producer.getPartitionProperties('0');
    expect(partition).toMatchObject({ partitionId: '0', beginningSequenceNumber: 0, lastEnqueuedSequenceNumber: 4, isEmpty: false });
    expect(typeof partition.lastEnqueuedOffset).toBe('string');
  });
});

import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';
import { describe, expect, it } from 'vitest';
import { batchMetadata } from '../../../local/host/eventHubMetadata.ts';

const partition = { partitionId: '2', consumerGroup: 'aggregator', eventHubName: 'temperatures', fullyQualifiedNamespace: 'ns' } as PartitionContext;
const event = (sequenceNumber: number, enqueued: string): ReceivedEventData => ({
  body: {}, sequenceNumber, offset: String(sequenceNumber * 100), enqueuedTimeUtc: new Date(enqueued), partitionKey: 'salem', properties: { v: 1 }, systemProperties: {},
}) as unknown as ReceivedEventData;

describe('batchMetadata', () => {
  it('gives each event its own enqueued time, however many events share one', () => {
    const times = ['2023-09-23T10:00:00.000Z', '2023-09-23T10:00:00.000Z', '2023-09-23T10:00:00.001Z', '2023-09-23T10:00:00.000Z'];
    const metadata = batchMetadata(times.map((t, i) => event(i, t)), partition);
    expect(metadata.enqueuedTimeUtcArray).toEqual(times);
    expect((metadata.systemPropertiesArray as { EnqueuedTimeUtc: string }[]).map((p) => p.EnqueuedTimeUtc)).toEqual(times);
    expect(metadata.sequenceNumberArray).toEqual([0, 1, 2, 3]);
    expect(metadata.offsetArray).toEqual(['0', '100', '200', '300']);
  });
});

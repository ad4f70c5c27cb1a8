// What the Functions host hands a cardinality-many Event Hubs function: bodies, and per-event metadata arrays.
import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';

/** The SDK already JSON-parses data bodies; bytes that were not JSON reach the function as text, as with the host. */
export function eventBody(body: unknown): unknown {
  if (body instanceof Uint8Array) {
    const text = Buffer.from(body).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return body;
}

export function batchMetadata(events: readonly ReceivedEventData[], partition: PartitionContext): Record<string, unknown> {
  // One transfer's events share an enqueued time: format each distinct instant once.
  let lastMs = Number.NaN;
  let lastText = '';
  const enqueuedTimes = events.map((e) => {
    const ms = e.enqueuedTimeUtc.getTime();
    if (ms !== lastMs) [lastMs, lastText] = [ms, e.enqueuedTimeUtc.toISOString()];
    return lastText;
  });
  return {
    partitionContext: {
      partitionId: partition.partitionId,
      consumerGroup: partition.consumerGroup,
      eventHubName: partition.eventHubName,
      fullyQualifiedNamespace: partition.fullyQualifiedNamespace,
    },
    sequenceNumberArray: events.map((e) => e.sequenceNumber),
    offsetArray: events.map((e) => e.offset),
    enqueuedTimeUtcArray: enqueuedTimes,
    partitionKeyArray: events.map((e) => e.partitionKey ?? null),
    propertiesArray: events.map((e) => e.properties ?? {}),
    systemPropertiesArray: events.map((e, i) => ({
      ...e.systemProperties,
      SequenceNumber: e.sequenceNumber,
      Offset: e.offset,
      PartitionKey: e.partitionKey ?? null,
      EnqueuedTimeUtc: enqueuedTimes[i],
    })),
  };
}

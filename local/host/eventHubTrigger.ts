// An Event Hubs trigger (cardinality many) with the host's semantics: an EventHubConsumerClient with a
// BlobCheckpointStore in host storage, batches of up to `maxEventBatchSize`, the definition's retry policy applied
// to a failed batch, then a checkpoint after the invocation whatever its outcome: the host moves on either way.
import { EventHubConsumerClient, RetryMode, earliestEventPosition, latestEventPosition } from '@azure/event-hubs';
import type { PartitionContext, ReceivedEventData, Subscription } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { EventHubHandler, RetryPolicy } from '../../functions/app/definition.ts';
import { credentialFor } from '../../functions/adapters/clients.ts';
import type { EventHubConnection } from '../../functions/config/connections.ts';
import type { HostSettings } from './hostJson.ts';
import type { InvocationTracker } from './invocations.ts';
import { eventBody, batchMetadata } from './eventHubMetadata.ts';
import { sleep } from './sleep.ts';

export interface EventHubTriggerOptions {
  functionName: string;
  connection: EventHubConnection;
  eventHubName: string;
  consumerGroup: string;
  retry: RetryPolicy;
  handler: EventHubHandler;
  blobService: BlobServiceClient;
  settings: HostSettings['eventHubs'];
  tracker: InvocationTracker;
}

export interface EventHubTriggerStats {
  batches: number;
  events: number;
  failedBatches: number;
  checkpoints: number;
}

export interface RunningEventHubTrigger {
  /** Events enqueued but not yet processed and checkpointed, summed over partitions. */
  pending(): Promise<number>;
  stats(): EventHubTriggerStats;
  stop(): Promise<void>;
}

/** The Functions host's checkpoint container in its storage account. */
export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

/** Delay before retry `attempt` (1-based): doubling from the minimum, capped at the maximum. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maximumInterval.milliseconds, policy.minimumInterval.milliseconds * 2 ** (attempt - 1));
}

function consumerFor(options: EventHubTriggerOptions, store: BlobCheckpointStore): EventHubConsumerClient {
  // Greedy load balancing claims every partition at once; the default (balanced) claims one per 10 s cycle.
  const { clientRetry } = options.settings;
  const clientOptions = {
    // Ownership of a crashed instance expires after 30 s, as with the host's .NET processor (the JS default is 60 s).
    loadBalancingOptions: { strategy: 'greedy' as const, updateIntervalInMs: 2_000, partitionOwnershipExpirationIntervalInMs: 30_000 },
    retryOptions: {
      mode: clientRetry.mode === 'fixed' ? RetryMode.Fixed : RetryMode.Exponential,
      maxRetries: clientRetry.maxRetries,
      retryDelayInMs: clientRetry.delayMs,
      maxRetryDelayInMs: clientRetry.maxDelayMs,
    },
  };
  const { connection, eventHubName, consumerGroup } = options;
  return connection.kind === 'connectionString'
    ? new EventHubConsumerClient(consumerGroup, connection.connectionString, eventHubName, store, clientOptions)
    : new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, eventHubName, credentialFor(connection.clientId), store, clientOptions);
}

export async function startEventHubTrigger(options: EventHubTriggerOptions): Promise<RunningEventHubTrigger> {
  const { functionName, handler, retry, settings, tracker } = options;
  const container = options.blobService.getContainerClient(CHECKPOINT_CONTAINER);
  await container.createIfNotExists();
  const store = new BlobCheckpointStore(container);
  const consumer = consumerFor(options, store);
  const stats: EventHubTriggerStats = { batches: 0, events: 0, failedBatches: 0, checkpoints: 0 };
  const processed = new Map<string, number>();
  const stopping = new AbortController();
  const partitionIds = await consumer.getPartitionIds();
  const namespace = consumer.fullyQualifiedNamespace;
  for (const checkpoint of await store.listCheckpoints(namespace, options.eventHubName, options.consumerGroup)) {
    if (checkpoint.sequenceNumber !== undefined) processed.set(checkpoint.partitionId, checkpoint.sequenceNumber);
  }
  if (settings.initialOffset === 'fromEnd') {
    // Events before the first start are never read from the end, so they are not pending either.
    for (const id of partitionIds) {
      if (!processed.has(id)) processed.set(id, (await consumer.getPartitionProperties(id)).lastEnqueuedSequenceNumber);
    }
  }

  const processEvents = async (events: ReceivedEventData[], partition: PartitionContext) => {
    // The host never invokes with an empty batch; the SDK calls back with one after maxWaitTime.
    const last = events.at(-1);
    if (!last || stopping.signal.aborted) return;
    await tracker.busy(async () => {
      stats.batches++;
      stats.events += events.length;
      const metadata = batchMetadata(events, partition);
      const bodies = events.map((event) => eventBody(event.body));
      for (let attempt = 0; ; attempt++) {
        const context = tracker.context(functionName, metadata, { retryCount: attempt, maxRetryCount: retry.maxRetryCount });
        const outcome = await tracker.invoke(functionName, context, () => handler(bodies, context));
        if (outcome.ok) break;
        if (attempt >= retry.maxRetryCount) {
          stats.failedBatches++;
          tracker.log('error', `${functionName}: partition ${partition.partitionId} batch up to #${last.sequenceNumber} failed after ${attempt + 1} attempts; checkpointing past it as the host does`);
          break;
        }
        await sleep(retryDelayMs(retry, attempt + 1), stopping.signal);
        // Shutting down mid-retry: leave the checkpoint where it is, so the batch is read again after restart.
        if (stopping.signal.aborted) return;
      }
      await partition.updateCheckpoint(last);
      stats.checkpoints++;
      processed.set(partition.partitionId, last.sequenceNumber);
    });
  };

  const subscription: Subscription = consumer.subscribe(
    {
      processEvents,
      processError: async (error, partition) => {
        if (!stopping.signal.aborted) tracker.log('warning', `${functionName}: partition ${partition.partitionId}: ${error.message}`);
      },
    },
    {
      maxBatchSize: settings.maxEventBatchSize,
      // The SDK asks for at least a batch however low this is (3 batches when unset).
      prefetchCount: settings.prefetchCount,
      maxWaitTimeInSeconds: Math.max(1, Math.round(settings.maxWaitTimeMs / 1000)),
      startPosition: settings.initialOffset === 'fromEnd' ? latestEventPosition : earliestEventPosition,
    },
  );

  return {
    async pending() {
      // Checkpoints are the shared truth: another host instance on this consumer group may own some partitions.
      for (const checkpoint of await store.listCheckpoints(namespace, options.eventHubName, options.consumerGroup)) {
        const mine = processed.get(checkpoint.partitionId) ?? -1;
        if (checkpoint.sequenceNumber !== undefined && checkpoint.sequenceNumber > mine) processed.set(checkpoint.partitionId, checkpoint.sequenceNumber);
      }
      let total = 0;
      for (const properties of await Promise.all(partitionIds.map((id) => consumer.getPartitionProperties(id)))) {
        if (properties.isEmpty) continue;
        total += Math.max(0, properties.lastEnqueuedSequenceNumber - (processed.get(properties.partitionId) ?? -1));
      }
      return total;
    },
    stats: () => ({ ...stats }),
    async stop() {
      stopping.abort();
      await subscription.close();
      await consumer.close();
    },
  };
}

// The namespace's hubs and their partition logs, and the mapping from link addresses to them, with the errors the
// client understands for unknown hubs, consumer groups and partitions.
import type { HubDefinition } from './config.ts';
import { PartitionFile } from './diskLog.ts';
import { Conditions, entityNotFound, type AmqpError } from './errors.ts';
import { partitionForKey } from './partitionKey.ts';
import { PartitionLog } from './partitionLog.ts';

/**
 * The entity path a link address names. Clients spell it differently: `hub/Partitions/0` (JavaScript), `/hub/...`
 * (.NET, the path of its endpoint URI) or `amqps://host/hub/...` (Python); all three name the same entity.
 */
export function linkEntityPath(address: string): string {
  return address.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+|\/+$/g, '');
}

export interface Hub {
  definition: HubDefinition;
  createdAt: Date;
  partitions: PartitionLog[];
  /** Where the next event without a key or partition goes: spreading keeps partitions even. */
  nextRoundRobin: number;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: AmqpError };

export interface StoreOptions {
  dataDir?: string;
  retentionMs?: number;
}

export class EventStore {
  private readonly hubs = new Map<string, Hub>();
  private readonly trimTimer: NodeJS.Timeout | undefined;

  constructor(definitions: HubDefinition[], options: StoreOptions) {
    const createdAt = new Date();
    for (const definition of definitions) {
      const partitions = Array.from({ length: definition.partitionCount }, (_, i) => {
        const id = String(i);
        if (!options.dataDir) return new PartitionLog(definition.name, id, { retentionMs: options.retentionMs });
        const { file, events } = PartitionFile.open(options.dataDir, definition.name, id);
        return new PartitionLog(definition.name, id, { retentionMs: options.retentionMs, file, restored: events });
      });
      this.hubs.set(definition.name.toLowerCase(), { definition, createdAt, partitions, nextRoundRobin: 0 });
    }
    if (options.retentionMs !== undefined) {
      const every = Math.min(Math.max(options.retentionMs / 10, 100), 60_000);
      this.trimTimer = setInterval(() => this.trim(), every);
      this.trimTimer.unref();
    }
  }

  private trim(): void {
    const now = Date.now();
    for (const hub of this.hubs.values()) for (const partition of hub.partitions) partition.trim(now);
  }

  hub(name: string): Resolved<Hub> {
    const hub = this.hubs.get(name.toLowerCase());
    return hub ? { ok: true, value: hub } : { ok: false, error: entityNotFound(name) };
  }

  partition(hub: Hub, id: string): Resolved<PartitionLog> {
    const partition = /^\d+$/.test(id) ? hub.partitions[Number(id)] : undefined;
    if (partition) return { ok: true, value: partition };
    const last = hub.definition.partitionCount - 1;
    return {
      ok: false,
      error: {
        condition: Conditions.outOfRange,
        description: `The specified partition is invalid for an EventHub partition sender or receiver. It should be between 0 and ${last}. Partition id '${id}'.`,
      },
    };
  }

  consumerGroup(hub: Hub, name: string): Resolved<string> {
    const found = hub.definition.consumerGroups.find((g) => g.toLowerCase() === name.toLowerCase());
    return found ? { ok: true, value: found } : { ok: false, error: entityNotFound(`${hub.definition.name}/ConsumerGroups/${name}`) };
  }

  /** A sender address: `hub` (routed by key or spread) or `hub/Partitions/N`. */
  resolveSendTarget(address: string): Resolved<{ hub: Hub; partition: PartitionLog | undefined }> {
    const [hubName = '', ...rest] = linkEntityPath(address).split('/');
    const hub = this.hub(hubName);
    if (!hub.ok) return hub;
    if (rest.length === 0) return { ok: true, value: { hub: hub.value, partition: undefined } };
    if (rest.length !== 2 || rest[0]?.toLowerCase() !== 'partitions') return { ok: false, error: entityNotFound(address) };
    const partition = this.partition(hub.value, rest[1] ?? '');
    return partition.ok ? { ok: true, value: { hub: hub.value, partition: partition.value } } : partition;
  }

  /** A receiver address: `hub/ConsumerGroups/<cg>/Partitions/<id>`. */
  resolveReceiveSource(address: string): Resolved<{ hub: Hub; consumerGroup: string; partition: PartitionLog }> {
    const parts = linkEntityPath(address).split('/');
    const hub = this.hub(parts[0] ?? '');
    if (!hub.ok) return hub;
    if (parts.length !== 5 || parts[1]?.toLowerCase() !== 'consumergroups' || parts[3]?.toLowerCase() !== 'partitions') {
      return { ok: false, error: entityNotFound(address) };
    }
    const group = this.consumerGroup(hub.value, parts[2] ?? '');
    if (!group.ok) return group;
    const partition = this.partition(hub.value, parts[4] ?? '');
    if (!partition.ok) return partition;
    return { ok: true, value: { hub: hub.value, consumerGroup: group.value, partition: partition.value } };
  }

  /** Where a transfer to a hub-level sender goes: by partition key with the client's own hash, else round robin. */
  route(hub: Hub, partitionKey: string | undefined): PartitionLog {
    const count = hub.partitions.length;
    const index = partitionKey === undefined ? hub.nextRoundRobin++ % count : partitionForKey(partitionKey, count);
    return hub.partitions[index] as PartitionLog;
  }

  async close(): Promise<void> {
    if (this.trimTimer) clearInterval(this.trimTimer);
    await Promise.all([...this.hubs.values()].flatMap((hub) => hub.partitions.map((p) => p.close())));
  }
}

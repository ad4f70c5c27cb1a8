// What every Kafka request handler works with: the emulator's hubs (topics), the consumer groups and their committed
// offsets, and the state of the connection the request came on.
import type { EventStore, Hub } from '../eventStore.ts';
import type { PartitionLog } from '../partitionLog.ts';
import type { SasKey } from '../sas.ts';
import type { EmulatorLogger } from '../server.ts';
import { ErrorCode } from './errorCodes.ts';
import { Group } from './groups.ts';
import type { CommittedOffsets } from './offsets.ts';
import type { Decoded } from './schema.ts';

export const NODE_ID = 0;

export interface KafkaContext {
  store: EventStore;
  /** The hubs, as configured: every topic there is. */
  hubNames: string[];
  key: SasKey;
  logger: EmulatorLogger;
  clusterId: string;
  groups: Map<string, Group>;
  offsets: CommittedOffsets;
  /** The port clients reach this listener on (the one bound). */
  port(): number;
  /** The host Metadata and FindCoordinator name: fixed by option, else the address the client reached us at. */
  advertisedHost?: string;
}

export interface Session {
  id: number;
  clientId: string;
  /** The address this connection came in on (or the TLS server name the client asked for). */
  localHost: string;
  /** Set by SaslHandshake; with version 0 the client then sends the bare SASL token. */
  mechanism?: string;
  rawSaslNext: boolean;
  authenticated: boolean;
  /** What the credentials grant: '' for the namespace, else one hub (lower case). */
  scope: string;
  closed: boolean;
  /** Resolves when the connection closes (long polls stop waiting). */
  onClose: Promise<void>;
  /** Ends the connection once the responses queued so far are written. */
  closeAfterResponse(): void;
}

export type Handler = (request: Decoded, version: number, session: Session, context: KafkaContext) => Decoded | undefined | Promise<Decoded | undefined>;

export function advertisedHost(session: Session, context: KafkaContext): string {
  return context.advertisedHost ?? session.localHost;
}

/** The hub a topic name refers to, or the error code for it (unknown topic, or outside the credentials' scope). */
export function topicOf(name: string | null, session: Session, context: KafkaContext): { hub: Hub } | { errorCode: number } {
  if (name === null || name === '') return { errorCode: ErrorCode.unknownTopicOrPartition };
  const hub = context.store.hub(name);
  if (!hub.ok) return { errorCode: ErrorCode.unknownTopicOrPartition };
  if (session.scope !== '' && session.scope !== hub.value.definition.name.toLowerCase()) return { errorCode: ErrorCode.topicAuthorizationFailed };
  return { hub: hub.value };
}

export function partitionOf(hub: Hub, index: number): PartitionLog | undefined {
  return Number.isInteger(index) && index >= 0 ? hub.partitions[index] : undefined;
}

export function groupOf(context: KafkaContext, id: string): Group {
  let group = context.groups.get(id);
  if (!group) context.groups.set(id, (group = new Group(id)));
  return group;
}

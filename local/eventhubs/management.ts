// `$management` READ requests for hub and partition properties. Longs and timestamps are wrapped explicitly: left to
// itself rhea would encode small numbers as int/uint, and `last_enqueued_offset` must be a string.
import rhea from 'rhea';
import type { Reply } from './cbs.ts';
import type { EventStore } from './eventStore.ts';
import { Conditions } from './errors.ts';

const { types } = rhea;

function property(properties: unknown, name: string): unknown {
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>)[name] : undefined;
}

/** `allowed` decides whether the caller may read this hub (its security token or its connection's grants). */
export function handleManagementRead(
  request: { application_properties?: unknown },
  store: EventStore,
  allowed: (hubName: string, securityToken: unknown) => boolean,
): Reply {
  const properties = request.application_properties;
  const operation = property(properties, 'operation');
  const name = property(properties, 'name');
  const type = property(properties, 'type');
  if (operation !== 'READ') {
    return { statusCode: 501, errorCondition: Conditions.notImplemented, description: `Operation '${String(operation)}' is not supported.` };
  }
  if (typeof name !== 'string') return { statusCode: 400, errorCondition: Conditions.invalidField, description: 'The request has no entity name.' };
  const hub = store.hub(name);
  if (!hub.ok) return { statusCode: 404, errorCondition: hub.error.condition, description: hub.error.description };
  if (!allowed(name, property(properties, 'security_token'))) {
    return { statusCode: 401, errorCondition: Conditions.unauthorized, description: `Unauthorized access to '${name}'.` };
  }
  const { definition, createdAt, partitions } = hub.value;
  if (type === 'com.microsoft:eventhub') {
    return {
      statusCode: 200,
      description: 'OK',
      body: types.wrap_map({
        name: definition.name,
        type: 'com.microsoft:eventhub',
        created_at: types.wrap_timestamp(createdAt.getTime()),
        partition_count: types.wrap_int(partitions.length),
        partition_ids: types.wrap_array(partitions.map((p) => p.id), 0xa1, undefined),
      }),
    };
  }
  if (type === 'com.microsoft:partition') {
    const id = String(property(properties, 'partition'));
    const partition = store.partition(hub.value, id);
    if (!partition.ok) return { statusCode: 400, errorCondition: partition.error.condition, description: partition.error.description };
    const p = partition.value.properties();
    return {
      statusCode: 200,
      description: 'OK',
      body: types.wrap_map({
        name: definition.name,
        type: 'com.microsoft:partition',
        partition: id,
        begin_sequence_number: types.wrap_long(p.beginSequenceNumber),
        last_enqueued_sequence_number: types.wrap_long(p.lastSequenceNumber),
        last_enqueued_offset: String(p.lastOffset),
        last_enqueued_time_utc: types.wrap_timestamp(p.lastEnqueuedTimeMs),
        is_partition_empty: p.isEmpty,
      }),
    };
  }
  return { statusCode: 400, errorCondition: Conditions.invalidField, description: `Unknown entity type '${String(type)}'.` };
}

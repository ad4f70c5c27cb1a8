// The emulator's configuration in the official emulator's Config.json shape, with its defaults and its limits.
import { EmulatorConfigError } from './errors.ts';

export interface ConsumerGroupConfig {
  Name: string;
}

export interface EventHubEntityConfig {
  Name: string;
  PartitionCount: number;
  ConsumerGroups: ConsumerGroupConfig[];
}

export interface NamespaceConfig {
  Type: 'EventHub';
  Name: string;
  Entities: EventHubEntityConfig[];
}

export interface EmulatorConfig {
  UserConfig: {
    NamespaceConfig: NamespaceConfig[];
    LoggingConfig?: { Type?: string };
  };
}

export const LIMITS = {
  maxHubs: 10,
  minPartitions: 1,
  maxPartitions: 32,
  maxConsumerGroups: 20,
  /** Per event and per batch, as the official emulator. */
  maxMessageBytes: 1_048_576,
} as const;

export const DEFAULT_CONFIG: EmulatorConfig = {
  UserConfig: {
    NamespaceConfig: [
      {
        Type: 'EventHub',
        Name: 'emulatorNs1',
        Entities: [
          { Name: 'temperatures', PartitionCount: 4, ConsumerGroups: [{ Name: '$default' }, { Name: 'aggregator' }] },
        ],
      },
    ],
    LoggingConfig: { Type: 'Console' },
  },
};

/** One hub after validation: `$default` is always present, as on the official emulator. */
export interface HubDefinition {
  name: string;
  partitionCount: number;
  consumerGroups: string[];
}

const ENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;
const GROUP_NAME = /^[A-Za-z0-9$][A-Za-z0-9._-]{0,49}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an untrusted config (e.g. parsed from a file) and returns the hubs it defines. */
export function validateConfig(config: unknown): HubDefinition[] {
  if (!isRecord(config) || !isRecord(config['UserConfig'])) {
    throw new EmulatorConfigError('UserConfig', 'must be an object');
  }
  const namespaces = config['UserConfig']['NamespaceConfig'];
  if (!Array.isArray(namespaces) || namespaces.length !== 1) {
    throw new EmulatorConfigError('UserConfig.NamespaceConfig', 'must be an array with exactly one namespace');
  }
  const ns: unknown = namespaces[0];
  const nsField = 'UserConfig.NamespaceConfig[0]';
  if (!isRecord(ns)) throw new EmulatorConfigError(nsField, 'must be an object');
  if (ns['Type'] !== 'EventHub') throw new EmulatorConfigError(`${nsField}.Type`, 'must be "EventHub"');
  if (typeof ns['Name'] !== 'string' || ns['Name'] === '') {
    throw new EmulatorConfigError(`${nsField}.Name`, 'must be a non-empty string');
  }
  const entities = ns['Entities'];
  if (!Array.isArray(entities) || entities.length === 0 || entities.length > LIMITS.maxHubs) {
    throw new EmulatorConfigError(`${nsField}.Entities`, `must hold 1 to ${LIMITS.maxHubs} event hubs`);
  }
  const hubs = entities.map((entity: unknown, i) => validateEntity(entity, `${nsField}.Entities[${i}]`));
  const seen = new Set<string>();
  for (const [i, hub] of hubs.entries()) {
    const key = hub.name.toLowerCase();
    if (seen.has(key)) throw new EmulatorConfigError(`${nsField}.Entities[${i}].Name`, `duplicate hub "${hub.name}"`);
    seen.add(key);
  }
  return hubs;
}

function validateEntity(entity: unknown, field: string): HubDefinition {
  if (!isRecord(entity)) throw new EmulatorConfigError(field, 'must be an object');
  const name = entity['Name'];
  if (typeof name !== 'string' || !ENTITY_NAME.test(name)) {
    throw new EmulatorConfigError(`${field}.Name`, 'must be letters, digits, ".", "_" or "-" (1-256 characters)');
  }
  const count = entity['PartitionCount'];
  if (typeof count !== 'number' || !Number.isInteger(count) || count < LIMITS.minPartitions || count > LIMITS.maxPartitions) {
    throw new EmulatorConfigError(`${field}.PartitionCount`, `must be an integer from ${LIMITS.minPartitions} to ${LIMITS.maxPartitions}`);
  }
  const groups = entity['ConsumerGroups'] ?? [];
  if (!Array.isArray(groups)) throw new EmulatorConfigError(`${field}.ConsumerGroups`, 'must be an array');
  const names = ['$default'];
  for (const [i, group] of groups.entries()) {
    const groupName: unknown = isRecord(group) ? group['Name'] : undefined;
    if (typeof groupName !== 'string' || !GROUP_NAME.test(groupName)) {
      throw new EmulatorConfigError(`${field}.ConsumerGroups[${i}].Name`, 'must be letters, digits, "$", ".", "_" or "-" (1-50 characters)');
    }
    if (!names.some((n) => n.toLowerCase() === groupName.toLowerCase())) names.push(groupName);
  }
  if (names.length > LIMITS.maxConsumerGroups) {
    throw new EmulatorConfigError(`${field}.ConsumerGroups`, `must hold at most ${LIMITS.maxConsumerGroups} consumer groups`);
  }
  return { name, partitionCount: count, consumerGroups: names };
}

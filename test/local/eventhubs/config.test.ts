import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, EmulatorConfigError, validateConfig, type EventHubEntityConfig } from '../../../local/eventhubs/index.ts';

const withEntities = (entities: unknown[]) => ({ UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'emulatorNs1', Entities: entities }] } });
const hub = (overrides: Partial<EventHubEntityConfig> | Record<string, unknown> = {}) => ({ Name: 'h', PartitionCount: 2, ConsumerGroups: [], ...overrides });

describe('validateConfig', () => {
  it('accepts the default config: temperatures, 4 partitions, $default and aggregator', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual([{ name: 'temperatures', partitionCount: 4, consumerGroups: ['$default', 'aggregator'] }]);
  });

  it('always adds $default', () => {
    expect(validateConfig(withEntities([hub({ ConsumerGroups: [{ Name: 'cg' }] })]))[0]?.consumerGroups).toEqual(['$default', 'cg']);
  });

  it.each([
    ['a config without UserConfig', {}, 'UserConfig'],
    ['no namespace', { UserConfig: { NamespaceConfig: [] } }, 'UserConfig.NamespaceConfig'],
    ['a namespace of another type', { UserConfig: { NamespaceConfig: [{ Type: 'ServiceBus', Name: 'n', Entities: [hub()] }] } }, 'UserConfig.NamespaceConfig[0].Type'],
    ['more than 10 hubs', withEntities(Array.from({ length: 11 }, (_, i) => hub({ Name: `h${i}` }))), 'UserConfig.NamespaceConfig[0].Entities'],
    ['0 partitions', withEntities([hub({ PartitionCount: 0 })]), 'UserConfig.NamespaceConfig[0].Entities[0].PartitionCount'],
    ['33 partitions', withEntities([hub({ PartitionCount: 33 })]), 'UserConfig.NamespaceConfig[0].Entities[0].PartitionCount'],
    ['a fractional partition count', withEntities([hub({ PartitionCount: 1.5 })]), 'UserConfig.NamespaceConfig[0].Entities[0].PartitionCount'],
    ['a bad hub name', withEntities([hub({ Name: 'no spaces' })]), 'UserConfig.NamespaceConfig[0].Entities[0].Name'],
    ['a duplicate hub', withEntities([hub(), hub({ Name: 'H' })]), 'UserConfig.NamespaceConfig[0].Entities[1].Name'],
    ['a nameless consumer group', withEntities([hub({ ConsumerGroups: [{}] })]), 'UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups[0].Name'],
    [
      'more than 20 consumer groups',
      withEntities([hub({ ConsumerGroups: Array.from({ length: 20 }, (_, i) => ({ Name: `g${i}` })) })]),
      'UserConfig.NamespaceConfig[0].Entities[0].ConsumerGroups',
    ],
  ])('throws for %s, naming the field', (_name, config, field) => {
    expect(() => validateConfig(config)).toThrow(EmulatorConfigError);
    expect(() => validateConfig(config)).toThrow(field);
  });
});

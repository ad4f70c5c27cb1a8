import { describe, expect, it } from 'vitest';
import { applyHostJsonOverrides } from '../../../local/host/hostJsonOverrides.ts';
import { parseHostJson, readHostJsonFile } from '../../../local/host/hostJson.ts';

describe('applyHostJsonOverrides', () => {
  it('replaces a nested value named by an AzureFunctionsJobHost__ setting, matching keys case-insensitively', () => {
    const json = applyHostJsonOverrides(readHostJsonFile(), {
      AzureFunctionsJobHost__extensions__eventHubs__maxEventBatchSize: '16',
      azurefunctionsjobhost__Extensions__Queues__visibilityTimeout: '00:00:01',
    });
    const settings = parseHostJson(json);
    expect(settings.eventHubs.maxEventBatchSize).toBe(16);
    expect(settings.queues.visibilityTimeoutMs).toBe(1_000);
    expect(settings.queues.batchSize).toBe(16);
  });

  it('creates missing sections and types numbers and booleans', () => {
    expect(applyHostJsonOverrides({}, { AzureFunctionsJobHost__a__b: '2.5', AzureFunctionsJobHost__a__c: 'true', AzureFunctionsJobHost__d: 'text' })).toEqual({
      a: { b: 2.5, c: true },
      d: 'text',
    });
  });

  it('leaves the given host.json untouched and ignores other settings', () => {
    const original = { extensions: { queues: { batchSize: 16 } } };
    const result = applyHostJsonOverrides(original, { AzureFunctionsJobHost__extensions__queues__batchSize: '4', STORAGE: 'x' });
    expect(original.extensions.queues.batchSize).toBe(16);
    expect(result).toEqual({ extensions: { queues: { batchSize: 4 } } });
  });

  it.each(['AzureFunctionsJobHost__prototype__polluted', 'AzureFunctionsJobHost__constructor__prototype__polluted'])('ignores %s instead of polluting prototypes', (name) => {
    const result = applyHostJsonOverrides({}, { [name]: 'yes' });
    expect(result).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

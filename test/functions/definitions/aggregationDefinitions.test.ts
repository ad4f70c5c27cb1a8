import { describe, expect, it } from 'vitest';
import { adminReplay } from '../../../functions/definitions/adminReplay.ts';
import { adminVerify } from '../../../functions/definitions/adminVerify.ts';
import { aggregateTemperatures } from '../../../functions/definitions/aggregateTemperatures.ts';
import { getAggregates } from '../../../functions/definitions/getAggregates.ts';
import { getCities } from '../../../functions/definitions/getCities.ts';
import { definitions } from '../../../functions/definitions/index.ts';

describe('aggregateTemperatures', () => {
  it('batches from the hub and consumer group named by settings with an exponential retry policy', () => {
    expect(aggregateTemperatures.trigger).toEqual({
      type: 'eventHub', eventHubName: '%EVENTHUB_NAME%', consumerGroup: '%EVENTHUB_CONSUMER_GROUP%', connection: 'EVENTHUB', cardinality: 'many',
      retry: { strategy: 'exponentialBackoff', maxRetryCount: 5, minimumInterval: { milliseconds: 1000 }, maximumInterval: { milliseconds: 30000 } },
    });
  });
});

describe('aggregation HTTP definitions', () => {
  it.each([
    [getCities, 'cities', 'GET', 'function'],
    [getAggregates, 'aggregates', 'GET', 'function'],
    [adminReplay, 'ops/replay', 'POST', 'admin'],
    [adminVerify, 'ops/verify', 'POST', 'admin'],
  ])('declares %# with its route, method and auth level, none under the host-reserved admin/ prefix', (definition, route, method, authLevel) => {
    expect(definition.trigger).toEqual({ type: 'http', route, methods: [method], authLevel });
    expect(route.startsWith('admin')).toBe(false);
  });

  it('are all listed in the definitions index', () => {
    for (const d of [aggregateTemperatures, getCities, getAggregates, adminReplay, adminVerify]) expect(definitions).toContain(d);
  });
});

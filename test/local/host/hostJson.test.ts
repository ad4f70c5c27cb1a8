import { describe, expect, it } from 'vitest';
import { parseHostJson, parseTimeSpan, readHostJson } from '../../../local/host/hostJson.ts';

describe('parseTimeSpan', () => {
  it.each([
    ['00:00:02', 2_000],
    ['00:00:30', 30_000],
    ['00:10:00', 600_000],
    ['1.00:00:00', 86_400_000],
    ['00:00:00.250', 250],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseTimeSpan(text, 'x')).toBe(ms);
  });

  it.each([['2s'], ['00:00'], ['']])('throws for %j', (text) => {
    expect(() => parseTimeSpan(text, 'queues.visibilityTimeout')).toThrow(/queues.visibilityTimeout/);
  });
});

describe('parseHostJson', () => {
  it('reads the repository host.json numbers', () => {
    expect(readHostJson()).toEqual({
      queues: { batchSize: 16, newBatchThreshold: 8, maxPollingIntervalMs: 2_000, visibilityTimeoutMs: 30_000, maxDequeueCount: 5 },
      eventHubs: {
        maxEventBatchSize: 512,
        prefetchCount: 1024,
        maxWaitTimeMs: 5_000,
        initialOffset: 'fromStart',
        clientRetry: { mode: 'exponential', delayMs: 800, maxDelayMs: 60_000, maxRetries: 3 },
      },
      functionTimeoutMs: 600_000,
    });
  });

  it('falls back to the host defaults when host.json leaves a value out', () => {
    expect(parseHostJson({ version: '2.0' }).queues).toEqual({
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60_000,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
    });
  });

  it('takes the Event Hubs prefetch count from host.json, else the host\'s default of 300', () => {
    expect(parseHostJson({ extensions: { eventHubs: { prefetchCount: 64 } } }).eventHubs.prefetchCount).toBe(64);
    expect(parseHostJson({ version: '2.0' }).eventHubs.prefetchCount).toBe(300);
  });

  it('reads the Event Hubs client retry options, fixed mode included', () => {
    const json = { extensions: { eventHubs: { clientRetryOptions: { mode: 'Fixed', delay: '00:00:02', maxRetries: 5 } } } };
    expect(parseHostJson(json).eventHubs.clientRetry).toEqual({ mode: 'fixed', delayMs: 2_000, maxDelayMs: 60_000, maxRetries: 5 });
  });

  it('throws for a non-integer batch size', () => {
    expect(() => parseHostJson({ extensions: { queues: { batchSize: 'many' } } })).toThrow(/queues.batchSize/);
  });
});

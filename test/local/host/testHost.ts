// Shared set-up for local host tests: settings for the shared Azurite, a fast host.json, unique names.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createLocalHost, type LocalHost, type LocalHostOptions } from '../../../local/host/createLocalHost.ts';
import type { LogLevel } from '@azure/functions';

export const NO_EVENT_HUB = 'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** host.json with the repository's shape, tightened so redelivery and polling take milliseconds. */
export function fastHostJson(queues: Record<string, unknown> = {}, eventHubs: Record<string, unknown> = {}): unknown {
  return {
    version: '2.0',
    extensions: {
      queues: { batchSize: 16, newBatchThreshold: 8, maxPollingInterval: '00:00:00.200', visibilityTimeout: '00:00:00', maxDequeueCount: 5, ...queues },
      eventHubs: { maxEventBatchSize: 512, maxWaitTime: '00:00:01', initialOffsetOptions: { type: 'fromStart' }, ...eventHubs },
    },
  };
}

export function testSettings(extra: Record<string, string> = {}): Record<string, string> {
  return { STORAGE: inject('azuriteConnectionString'), EVENTHUB: NO_EVENT_HUB, ...extra };
}

export interface TestHost extends LocalHost {
  logs: { level: LogLevel; line: string }[];
}

export function testHost(options: Partial<LocalHostOptions> & Pick<LocalHostOptions, 'definitions'>): TestHost {
  const logs: { level: LogLevel; line: string }[] = [];
  const host = createLocalHost({
    settings: testSettings(),
    hostJson: fastHostJson(),
    httpPort: 0,
    watch: false,
    log: (level, line) => logs.push({ level, line }),
    ...options,
  });
  return Object.assign(host, { logs });
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

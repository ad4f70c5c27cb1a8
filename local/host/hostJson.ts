// Reads the numbers the Functions host takes from host.json, so the local host runs with the same ones.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface HostSettings {
  queues: {
    batchSize: number;
    newBatchThreshold: number;
    maxPollingIntervalMs: number;
    /** Delay before a failed message is visible again (host.json `visibilityTimeout`; the host's default is 0). */
    visibilityTimeoutMs: number;
    maxDequeueCount: number;
  };
  eventHubs: {
    maxEventBatchSize: number;
    /** Events each partition's receiver asks for ahead of the function (the host's default, 300, when absent). */
    prefetchCount: number;
    maxWaitTimeMs: number;
    initialOffset: 'fromStart' | 'fromEnd';
    /** `clientRetryOptions`: how the trigger's client retries a failed operation or a lost connection. */
    clientRetry: { mode: 'exponential' | 'fixed'; delayMs: number; maxDelayMs: number; maxRetries: number };
  };
  functionTimeoutMs: number;
}

const HOST_JSON_PATH = fileURLToPath(new URL('../../host.json', import.meta.url));

/** Parses a .NET TimeSpan as host.json writes it: `[d.]hh:mm:ss[.fff]`. */
export function parseTimeSpan(value: string, name: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!match) throw new Error(`host.json ${name} must be a TimeSpan like "00:00:30", got "${value}"`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  const ms = Math.round(Number(`0.${fraction}`) * 1000);
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + ms;
}

function num(section: Record<string, unknown>, key: string, fallback: number, name: string): number {
  const value = section[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`host.json ${name}.${key} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function span(section: Record<string, unknown>, key: string, fallbackMs: number, name: string): number {
  const value = section[key];
  if (value === undefined) return fallbackMs;
  if (typeof value !== 'string') throw new Error(`host.json ${name}.${key} must be a TimeSpan string`);
  return parseTimeSpan(value, `${name}.${key}`);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Defaults are the Functions host's own when host.json leaves a value out. */
export function parseHostJson(json: unknown): HostSettings {
  const root = record(json);
  const extensions = record(root.extensions);
  const q = record(extensions.queues);
  const eh = record(extensions.eventHubs);
  const batchSize = num(q, 'batchSize', 16, 'queues');
  const offset = record(eh.initialOffsetOptions).type;
  const retry = record(eh.clientRetryOptions);
  return {
    queues: {
      batchSize: Math.max(1, batchSize),
      newBatchThreshold: num(q, 'newBatchThreshold', Math.floor(batchSize / 2), 'queues'),
      maxPollingIntervalMs: Math.max(100, span(q, 'maxPollingInterval', 60_000, 'queues')),
      visibilityTimeoutMs: span(q, 'visibilityTimeout', 0, 'queues'),
      maxDequeueCount: Math.max(1, num(q, 'maxDequeueCount', 5, 'queues')),
    },
    eventHubs: {
      maxEventBatchSize: Math.max(1, num(eh, 'maxEventBatchSize', 100, 'eventHubs')),
      prefetchCount: num(eh, 'prefetchCount', 300, 'eventHubs'),
      maxWaitTimeMs: span(eh, 'maxWaitTime', 60_000, 'eventHubs'),
      initialOffset: offset === 'fromEnd' ? 'fromEnd' : 'fromStart',
      clientRetry: {
        mode: String(retry.mode ?? 'exponential').toLowerCase() === 'fixed' ? 'fixed' : 'exponential',
        delayMs: span(retry, 'delay', 800, 'eventHubs.clientRetryOptions'),
        maxDelayMs: span(retry, 'maxDelay', 60_000, 'eventHubs.clientRetryOptions'),
        maxRetries: num(retry, 'maxRetries', 3, 'eventHubs.clientRetryOptions'),
      },
    },
    functionTimeoutMs: typeof root.functionTimeout === 'string' ? parseTimeSpan(root.functionTimeout, 'functionTimeout') : 30 * 60_000,
  };
}

let cached: unknown;

/** The repository's host.json as written, read once per process. */
export function readHostJsonFile(): unknown {
  cached ??= JSON.parse(readFileSync(HOST_JSON_PATH, 'utf8')) as unknown;
  return cached;
}

/** The repository's host.json numbers. */
export function readHostJson(): HostSettings {
  return parseHostJson(readHostJsonFile());
}

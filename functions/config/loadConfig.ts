// The one place settings are read and validated. Handlers receive a Config; none reads process.env.
import { ConfigError } from '../errors.ts';
import {
  parseEventHubConnection,
  parseStorageConnection,
  type EventHubConnection,
  type StorageConnection,
} from './connections.ts';
import { DEFAULT_WEATHER_API_URL, EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from './settings.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface WeatherApiLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
}

/**
 * `shared`: the WEATHER_API_CALLS_PER_* windows hold for the app as a whole (Table `quota`, every instance claims
 * slices); `instance`: each process keeps its own limiter (one instance, or limits already divided by instances).
 */
export interface WeatherQuota {
  scope: 'shared' | 'instance';
  /** The most instances that may call the API at once: when the quota table cannot be reached, each spends 1/N. */
  instances: number;
}

export interface Config {
  storage: StorageConnection;
  eventHub: { connection: EventHubConnection; name: string; consumerGroup: string };
  weather: { url: string; apiKey: string | undefined; limits: WeatherApiLimits; timeoutMs: number; quota: WeatherQuota };
  fetchWindowDays: number;
  /** Date range for city lines and files that name none; undefined means such lines are rejected. */
  defaultRange: { start: string; end: string } | undefined;
  refresh: { schedule: string; days: number };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function text(env: Env, name: string, fallback?: string): string {
  const raw = env[name]?.trim();
  if (raw) return raw;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`${name} is required`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const parsed = Number(raw);
  if (parsed < min || parsed > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

function isoDate(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!DATE.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) || new Date(`${raw}T00:00:00Z`).toISOString().slice(0, 10) !== raw) {
    throw new ConfigError(`${name} must be a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}

function weatherUrl(env: Env): string {
  const raw = text(env, SETTINGS.weatherApiUrl, DEFAULT_WEATHER_API_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${SETTINGS.weatherApiUrl} must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${SETTINGS.weatherApiUrl} must be http(s)`);
  return raw;
}

function quota(env: Env): WeatherQuota {
  const scope = text(env, SETTINGS.weatherQuota, 'shared');
  if (scope !== 'shared' && scope !== 'instance') throw new ConfigError(`${SETTINGS.weatherQuota} must be "shared" or "instance", got "${scope}"`);
  return { scope, instances: integer(env, SETTINGS.weatherQuotaInstances, 100, 1, 10_000) };
}

function defaultRange(env: Env): Config['defaultRange'] {
  const start = isoDate(env, SETTINGS.defaultStartDate);
  const end = isoDate(env, SETTINGS.defaultEndDate);
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) {
    throw new ConfigError(`${SETTINGS.defaultStartDate} and ${SETTINGS.defaultEndDate} must be set together`);
  }
  if (start > end) throw new ConfigError(`${SETTINGS.defaultStartDate} (${start}) is after ${SETTINGS.defaultEndDate} (${end})`);
  return { start, end };
}

export function loadConfig(env: Env): Config {
  const name = text(env, SETTINGS.eventHubName, 'temperatures');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(name)) throw new ConfigError(`${SETTINGS.eventHubName} is not a valid hub name`);
  const apiKey = env[SETTINGS.weatherApiKey]?.trim();
  return {
    storage: parseStorageConnection(env, STORAGE_CONNECTION),
    eventHub: {
      connection: parseEventHubConnection(env, EVENTHUB_CONNECTION),
      name,
      consumerGroup: text(env, SETTINGS.eventHubConsumerGroup, 'aggregator'),
    },
    weather: {
      url: weatherUrl(env),
      apiKey: apiKey ? apiKey : undefined,
      limits: {
        perMinute: integer(env, SETTINGS.weatherCallsPerMinute, 600, 1, 1_000_000),
        perHour: integer(env, SETTINGS.weatherCallsPerHour, 5_000, 1, 10_000_000),
        perDay: integer(env, SETTINGS.weatherCallsPerDay, 10_000, 1, 100_000_000),
      },
      timeoutMs: integer(env, SETTINGS.weatherTimeoutMs, 30_000, 100, 600_000),
      quota: quota(env),
    },
    fetchWindowDays: integer(env, SETTINGS.fetchWindowDays, 366, 1, 3_660),
    defaultRange: defaultRange(env),
    refresh: {
      schedule: text(env, SETTINGS.refreshSchedule, '0 30 2 * * *'),
      days: integer(env, SETTINGS.refreshDays, 10, 1, 92),
    },
  };
}

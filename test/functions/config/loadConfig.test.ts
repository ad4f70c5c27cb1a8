import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config/loadConfig.ts';
import { DEFAULT_WEATHER_API_URL, SETTINGS } from '../../../functions/config/settings.ts';
import { ConfigError } from '../../../functions/errors.ts';

const EMULATOR = 'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=x;UseDevelopmentEmulator=true;';
const minimal = { STORAGE: 'UseDevelopmentStorage=true', EVENTHUB: EMULATOR };
const sample = (JSON.parse(readFileSync(new URL('../../../local.settings.sample.json', import.meta.url), 'utf8')) as { Values: Record<string, string> }).Values;

describe('loadConfig', () => {
  it('fills every default from the two connections alone', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      storage: { kind: 'connectionString' },
      eventHub: { connection: { kind: 'connectionString', connectionString: EMULATOR }, name: 'temperatures', consumerGroup: 'aggregator' },
      weather: {
        url: DEFAULT_WEATHER_API_URL, apiKey: undefined, limits: { perMinute: 600, perHour: 5_000, perDay: 10_000 }, timeoutMs: 30_000,
        quota: { scope: 'shared', instances: 100 },
      },
      fetchWindowDays: 366,
      defaultRange: undefined,
      refresh: { schedule: '0 30 2 * * *', days: 10 },
    });
  });

  it('reads local.settings.sample.json as the local host would', () => {
    const config = loadConfig(sample);
    expect(config.defaultRange).toEqual({ start: '2023-01-01', end: '2023-08-30' });
    expect(config.weather.url).toBe('http://127.0.0.1:8089/v1/archive');
    expect(config.weather.apiKey).toBeUndefined();
  });

  it('takes every setting it is given, trimmed', () => {
    const config = loadConfig({
      ...minimal,
      [SETTINGS.eventHubName]: ' hub-2 ',
      [SETTINGS.eventHubConsumerGroup]: 'cg',
      [SETTINGS.weatherApiUrl]: 'https://customer-archive-api.open-meteo.com/v1/archive',
      [SETTINGS.weatherApiKey]: ' key ',
      [SETTINGS.weatherCallsPerMinute]: '60',
      [SETTINGS.weatherCallsPerHour]: '600',
      [SETTINGS.weatherCallsPerDay]: '6000',
      [SETTINGS.weatherTimeoutMs]: '1000',
      [SETTINGS.weatherQuota]: ' instance ',
      [SETTINGS.weatherQuotaInstances]: '40',
      [SETTINGS.fetchWindowDays]: '30',
      [SETTINGS.defaultStartDate]: '2024-02-29',
      [SETTINGS.defaultEndDate]: '2024-02-29',
      [SETTINGS.refreshSchedule]: '0 0 3 * * *',
      [SETTINGS.refreshDays]: '92',
    });
    expect(config).toMatchObject({
      eventHub: { name: 'hub-2', consumerGroup: 'cg' },
      weather: {
        url: 'https://customer-archive-api.open-meteo.com/v1/archive', apiKey: 'key', limits: { perMinute: 60, perHour: 600, perDay: 6000 }, timeoutMs: 1000,
        quota: { scope: 'instance', instances: 40 },
      },
      fetchWindowDays: 30,
      defaultRange: { start: '2024-02-29', end: '2024-02-29' },
      refresh: { schedule: '0 0 3 * * *', days: 92 },
    });
  });

  it('builds identity connections from __ settings', () => {
    const config = loadConfig({ STORAGE__accountName: 'stweather', EVENTHUB__fullyQualifiedNamespace: 'evhns.servicebus.windows.net', EVENTHUB__clientId: 'cid' });
    expect(config.storage).toMatchObject({ kind: 'identity', tableServiceUri: 'https://stweather.table.core.windows.net' });
    expect(config.eventHub.connection).toEqual({ kind: 'identity', fullyQualifiedNamespace: 'evhns.servicebus.windows.net', clientId: 'cid' });
  });

  it.each([
    [{ STORAGE: undefined }, /Storage connection "STORAGE"/],
    [{ EVENTHUB: undefined }, /Event Hubs connection "EVENTHUB"/],
    [{ [SETTINGS.eventHubName]: 'bad name!' }, /^EVENTHUB_NAME is not a valid hub name$/],
    [{ [SETTINGS.weatherApiUrl]: 'archive-api.open-meteo.com' }, /^WEATHER_API_URL must be an absolute URL, got "archive-api.open-meteo.com"$/],
    [{ [SETTINGS.weatherApiUrl]: 'ftp://x.example' }, /^WEATHER_API_URL must be http\(s\)$/],
    [{ [SETTINGS.weatherCallsPerMinute]: '1.5' }, /^WEATHER_API_CALLS_PER_MINUTE must be a whole number, got "1.5"$/],
    [{ [SETTINGS.weatherCallsPerHour]: '0' }, /^WEATHER_API_CALLS_PER_HOUR must be between 1 and 10000000, got 0$/],
    [{ [SETTINGS.weatherCallsPerDay]: '-5' }, /^WEATHER_API_CALLS_PER_DAY must be a whole number/],
    [{ [SETTINGS.weatherTimeoutMs]: '50' }, /^WEATHER_API_TIMEOUT_MS must be between 100 and 600000, got 50$/],
    [{ [SETTINGS.weatherQuota]: 'global' }, /^WEATHER_API_QUOTA must be "shared" or "instance", got "global"$/],
    [{ [SETTINGS.weatherQuotaInstances]: '0' }, /^WEATHER_API_QUOTA_INSTANCES must be between 1 and 10000, got 0$/],
    [{ [SETTINGS.fetchWindowDays]: '0' }, /^FETCH_WINDOW_DAYS must be between 1 and 3660, got 0$/],
    [{ [SETTINGS.fetchWindowDays]: 'year' }, /^FETCH_WINDOW_DAYS must be a whole number, got "year"$/],
    [{ [SETTINGS.refreshDays]: '93' }, /^REFRESH_DAYS must be between 1 and 92, got 93$/],
    [{ [SETTINGS.defaultStartDate]: '2023-01-01' }, /^DEFAULT_START_DATE and DEFAULT_END_DATE must be set together$/],
    [{ [SETTINGS.defaultEndDate]: '2023-01-01' }, /^DEFAULT_START_DATE and DEFAULT_END_DATE must be set together$/],
    [{ [SETTINGS.defaultStartDate]: '2023-02-29', [SETTINGS.defaultEndDate]: '2023-03-01' }, /^DEFAULT_START_DATE must be a date YYYY-MM-DD, got "2023-02-29"$/],
    [{ [SETTINGS.defaultStartDate]: '2023-01-01', [SETTINGS.defaultEndDate]: '1/2/2023' }, /^DEFAULT_END_DATE must be a date YYYY-MM-DD, got "1\/2\/2023"$/],
    [{ [SETTINGS.defaultStartDate]: '2023-03-01', [SETTINGS.defaultEndDate]: '2023-01-01' }, /^DEFAULT_START_DATE \(2023-03-01\) is after DEFAULT_END_DATE \(2023-01-01\)$/],
  ])('throws a ConfigError naming the setting for %j', (overrides, message) => {
    const env = { ...minimal, ...overrides };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

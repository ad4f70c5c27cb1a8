// Every app setting the code reads, by name. The same names appear in local.settings.sample.json and
// infra/modules/function-app.bicep; a test keeps the three in step.

/** Connection prefixes: a connection string in the setting itself, or identity-based `<NAME>__*` settings. */
export const STORAGE_CONNECTION = 'STORAGE';
export const EVENTHUB_CONNECTION = 'EVENTHUB';

export const SETTINGS = {
  eventHubName: 'EVENTHUB_NAME',
  eventHubConsumerGroup: 'EVENTHUB_CONSUMER_GROUP',
  weatherApiUrl: 'WEATHER_API_URL',
  weatherApiKey: 'WEATHER_API_KEY',
  weatherCallsPerMinute: 'WEATHER_API_CALLS_PER_MINUTE',
  weatherCallsPerHour: 'WEATHER_API_CALLS_PER_HOUR',
  weatherCallsPerDay: 'WEATHER_API_CALLS_PER_DAY',
  weatherTimeoutMs: 'WEATHER_API_TIMEOUT_MS',
  weatherQuota: 'WEATHER_API_QUOTA',
  weatherQuotaInstances: 'WEATHER_API_QUOTA_INSTANCES',
  fetchWindowDays: 'FETCH_WINDOW_DAYS',
  defaultStartDate: 'DEFAULT_START_DATE',
  defaultEndDate: 'DEFAULT_END_DATE',
  refreshSchedule: 'REFRESH_SCHEDULE',
  refreshDays: 'REFRESH_DAYS',
} as const;

/** Fixed resource names: bindings need them as literals, and Bicep creates exactly these. */
export const RESOURCES = {
  citiesContainer: 'cities',
  rawContainer: 'raw',
  rejectedContainer: 'rejected',
  deadletterContainer: 'deadletter',
  cityFilesQueue: 'city-files',
  fetchJobsQueue: 'fetch-jobs',
  aggregatesTable: 'aggregates',
  citiesTable: 'cities',
  runsTable: 'runs',
  quotaTable: 'quota',
} as const;

export const DEFAULT_WEATHER_API_URL = 'https://archive-api.open-meteo.com/v1/archive';

/** host.json `extensions.queues.maxDequeueCount`: the attempt after which a failing message goes to `<queue>-poison`. */
export const QUEUE_MAX_DEQUEUE_COUNT = 5;

// Daily: re-fetch the trailing REFRESH_DAYS days (ending yesterday, UTC) of every known city. ERA5 fills its
// last ~5 days late and revises recent values; re-fetching overwrites raw blobs and the aggregates take the
// newer day partials, so corrections flow through without double counting.
import type { CityRegistry } from '../adapters/cityRegistry.ts';
import type { QueueSender } from '../adapters/queues.ts';
import type { RunLedger } from '../adapters/runLedger.ts';
import type { Config } from '../config/loadConfig.ts';
import { RESOURCES } from '../config/settings.ts';
import { addDays, splitIntoWindows, toDateString } from '../core/dates.ts';
import type { FetchJob } from '../core/model.ts';
import type { Logger } from './onCityFile.ts';

export interface RefreshDeps {
  registry: CityRegistry;
  queue: QueueSender;
  config: Pick<Config, 'fetchWindowDays' | 'refresh'>;
  now(): Date;
  resources?: { fetchJobsQueue: string };
  /** Lists the run in GET /api/runs (its jobs report to the ledger themselves). */
  ledger?: Pick<RunLedger, 'indexRun'>;
}

export interface RefreshSummary {
  runId: string;
  start: string;
  end: string;
  cities: number;
  jobs: number;
}

const JOB_CHUNK = 500;

export async function refreshRecent(deps: RefreshDeps, log: Logger): Promise<RefreshSummary> {
  const queueName = (deps.resources ?? RESOURCES).fetchJobsQueue;
  const today = toDateString(deps.now());
  const end = addDays(today, -1);
  const start = addDays(end, -(deps.config.refresh.days - 1));
  const windows = splitIntoWindows(start, end, deps.config.fetchWindowDays);
  // One run per UTC day: a timer that fires twice on one day (restart, catch-up) joins the same run.
  const runId = `refresh-${today}`;

  let jobs: FetchJob[] = [];
  let cities = 0;
  let sent = 0;
  const flush = async () => {
    await deps.queue.sendMany(queueName, jobs, { concurrency: 32 });
    sent += jobs.length;
    jobs = [];
  };
  for await (const city of deps.registry.list()) {
    cities += 1;
    for (const window of windows) {
      jobs.push({ v: 1, runId, cityId: city.cityId, city: city.city, lat: city.lat, lng: city.lng, start: window.start, end: window.end });
    }
    if (jobs.length >= JOB_CHUNK) await flush();
  }
  if (jobs.length > 0) await flush();

  const summary: RefreshSummary = { runId, start, end, cities, jobs: sent };
  const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
  // One entry per UTC day, like the run id: a second tick that day rewrites it.
  await deps.ledger?.indexRun({
    runId, kind: 'refresh', at: `${today}T00:00:00.000Z`, citiesAccepted: cities, citiesRejected: 0, duplicateLines: 0, jobs: sent, cityDaysRequested: cities * days,
  });
  log.log(`refreshRecent ${runId}: ${JSON.stringify(summary)}`);
  return summary;
}

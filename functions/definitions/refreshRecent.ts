// Timer (REFRESH_SCHEDULE, daily by default): re-enqueue the trailing REFRESH_DAYS days of every known city.
import { createCityRegistry } from '../adapters/cityRegistry.ts';
import { createQueueSender } from '../adapters/queues.ts';
import { createRunLedger } from '../adapters/runLedger.ts';
import type { TimerFunction } from '../app/definition.ts';
import { RESOURCES, SETTINGS } from '../config/settings.ts';
import { refreshRecent as refresh } from '../ingest/refreshRecent.ts';

export const refreshRecent: TimerFunction = {
  name: 'refreshRecent',
  trigger: { type: 'timer', schedule: `%${SETTINGS.refreshSchedule}%` },
  handler: (app) => {
    const deps = {
      registry: createCityRegistry(app.clients.table(RESOURCES.citiesTable)),
      queue: createQueueSender(app.clients.queueService()),
      ledger: createRunLedger(app.clients.table(RESOURCES.runsTable)),
      config: app.config,
      now: app.now,
    };
    return async (_timer, context) => {
      await refresh(deps, context);
    };
  },
};

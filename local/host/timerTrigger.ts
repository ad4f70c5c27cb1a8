// A timer trigger: NCRONTAB (six fields, seconds first, UTC as the host defaults to), next-run scheduling,
// optional run on start-up, and on-demand runs. Runs of one timer never overlap, as the host's singleton lock ensures.
import { CronExpressionParser } from 'cron-parser';
import type { Timer } from '@azure/functions';
import type { TimerHandler } from '../../functions/app/definition.ts';
import type { InvocationTracker } from './invocations.ts';

export interface TimerTriggerOptions {
  functionName: string;
  /** Already resolved from `%SETTING%`. */
  schedule: string;
  runOnStartup: boolean;
  handler: TimerHandler;
  tracker: InvocationTracker;
}

export interface RunningTimerTrigger {
  /** Runs the function now (isPastDue false); rejects with the handler's error when it fails. */
  runNow(): Promise<void>;
  nextOccurrence(): Date;
  stop(): Promise<void>;
}

// A run that starts this much after its scheduled time counts as past due (the host compares against its
// recorded next occurrence).
const PAST_DUE_MS = 1_000;
// setTimeout holds at most ~24.8 days; longer waits re-arm.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The next occurrence strictly after `after`; throws a message that names the schedule when it is not NCRONTAB. */
export function nextOccurrence(schedule: string, after: Date): Date {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(`Timer schedule "${schedule}" must be an NCRONTAB expression with six fields (second minute hour day month day-of-week)`);
  }
  try {
    return CronExpressionParser.parse(fields.join(' '), { currentDate: after, tz: 'UTC' }).next().toDate();
  } catch (error) {
    throw new Error(`Timer schedule "${schedule}" is not a valid NCRONTAB expression: ${(error as Error).message}`, { cause: error });
  }
}

export function startTimerTrigger(options: TimerTriggerOptions): RunningTimerTrigger {
  const { functionName, schedule, handler, tracker } = options;
  let next = nextOccurrence(schedule, new Date());
  let last = new Date(0);
  let timeout: NodeJS.Timeout | undefined;
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();

  const run = (isPastDue: boolean): Promise<void> => {
    const result = chain.then(async () => {
      const now = new Date();
      const timer: Timer = {
        isPastDue,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: last.toISOString(), next: next.toISOString(), lastUpdated: now.toISOString() },
      };
      last = now;
      const context = tracker.context(functionName, { timer });
      const outcome = await tracker.invoke(functionName, context, () => handler(timer, context));
      if (!outcome.ok) throw outcome.error;
    });
    chain = result.catch(() => undefined);
    return result;
  };

  const arm = () => {
    if (stopped) return;
    const wait = Math.min(MAX_TIMEOUT_MS, Math.max(0, next.getTime() - Date.now()));
    timeout = setTimeout(() => {
      if (Date.now() < next.getTime()) return arm();
      const scheduled = next;
      next = nextOccurrence(schedule, new Date(Math.max(Date.now(), scheduled.getTime())));
      // Scheduled failures are logged by the tracker; the schedule goes on.
      run(Date.now() - scheduled.getTime() > PAST_DUE_MS).catch(() => undefined);
      arm();
    }, wait);
    timeout.unref();
  };

  if (options.runOnStartup) run(false).catch(() => undefined);
  arm();
  return {
    runNow: () => run(false),
    nextOccurrence: () => next,
    async stop() {
      stopped = true;
      clearTimeout(timeout);
      await chain;
    },
  };
}

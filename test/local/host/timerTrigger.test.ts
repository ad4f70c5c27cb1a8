import { afterEach, describe, expect, it } from 'vitest';
import type { Timer } from '@azure/functions';
import type { TimerFunction } from '../../../functions/app/definition.ts';
import { nextOccurrence } from '../../../local/host/timerTrigger.ts';
import { eventually, testHost, testSettings, type TestHost } from './testHost.ts';

describe('nextOccurrence', () => {
  it.each([
    ['0 30 2 * * *', '2024-03-10T12:00:00.000Z', '2024-03-11T02:30:00.000Z'],
    ['*/15 * * * * *', '2024-03-10T12:00:01.000Z', '2024-03-10T12:00:15.000Z'],
    ['0 0 0 1 * *', '2024-02-15T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
  ])('schedules %s after %s at %s (UTC)', (schedule, after, expected) => {
    expect(nextOccurrence(schedule, new Date(after)).toISOString()).toBe(expected);
  });

  it.each([['0 30 2 * *'], ['every day'], ['0 99 2 * * *']])('throws for a schedule that is not six-field NCRONTAB: %s', (schedule) => {
    expect(() => nextOccurrence(schedule, new Date())).toThrow(/NCRONTAB/);
  });
});

describe('startTimerTrigger', () => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  const timerFunction = (name: string, schedule: string, calls: Timer[], fail = false): TimerFunction => ({
    name,
    trigger: { type: 'timer', schedule },
    handler: () => async (timer) => {
      calls.push(timer);
      if (fail) throw new Error('timer failed');
    },
  });

  it('runs a timer on demand with isPastDue false and the schedule resolved from %SETTING%', async () => {
    const calls: Timer[] = [];
    host = testHost({ definitions: [timerFunction('refresh', '%REFRESH_SCHEDULE%', calls)] });
    await host.start();
    await host.runTimer('refresh');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.isPastDue).toBe(false);
    // The default REFRESH_SCHEDULE is 02:30 UTC daily.
    expect(calls[0]?.scheduleStatus.next).toMatch(/T02:30:00\.000Z$/);
  });

  it('fires on its schedule: each run at or after the occurrence the previous run named, never early', async () => {
    const calls: Timer[] = [];
    // Every second; the test's load-proof facts are order facts, not durations: a run starts no earlier than the
    // occurrence it is for, and each run reports the previous one as `last` and the next whole second as `next`.
    host = testHost({ definitions: [timerFunction('everySecond', '* * * * * *', calls)] });
    await host.start();
    await eventually(() => (calls.length >= 3 ? true : undefined), 15_000, 'three scheduled runs');
    const runs = calls.slice(0, 3).map((c) => ({ at: Date.parse(c.scheduleStatus.lastUpdated), last: c.scheduleStatus.last, next: Date.parse(c.scheduleStatus.next) }));
    for (const [i, run] of runs.entries()) {
      expect(run.next % 1_000, `run ${i}: next on a whole second`).toBe(0);
      expect(run.next, `run ${i}: next after the run`).toBeGreaterThan(run.at);
      if (i === 0) continue;
      const previous = runs[i - 1]!;
      expect(run.at, `run ${i} not before the occurrence run ${i - 1} named`).toBeGreaterThanOrEqual(previous.next);
      expect(run.last).toBe(new Date(previous.at).toISOString());
    }
  });

  it('rejects an on-demand run with the handler error, and rejects an unknown timer', async () => {
    host = testHost({ definitions: [timerFunction('broken', '0 0 0 1 1 *', [], true)] });
    await host.start();
    await expect(host.runTimer('broken')).rejects.toThrow('timer failed');
    await expect(host.runTimer('nope')).rejects.toThrow(/No timer function named "nope"/);
  });

  it('runs a timer through POST /admin/functions/<name> with the master key only', async () => {
    const calls: Timer[] = [];
    host = testHost({ settings: testSettings({ LOCAL_FUNCTION_KEY: 'fk', LOCAL_MASTER_KEY: 'mk' }), definitions: [timerFunction('nightly', '0 0 0 1 1 *', calls)] });
    await host.start();
    const admin = host.http.url.replace(/\/api$/, '/admin/functions');
    expect((await fetch(`${admin}/nightly`, { method: 'POST', headers: { 'x-functions-key': 'fk' } })).status).toBe(401);
    expect((await fetch(`${admin}/unknown`, { method: 'POST', headers: { 'x-functions-key': 'mk' } })).status).toBe(404);
    expect((await fetch(`${admin}/nightly`, { method: 'POST', headers: { 'x-functions-key': 'mk' } })).status).toBe(202);
    await eventually(() => (calls.length === 1 ? true : undefined), 5_000, 'the admin-triggered run');
  });
});

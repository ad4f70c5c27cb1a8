import { readFileSync } from 'node:fs';
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { resolveSettingReferences } from '../../../functions/app/definition.ts';
import { definitions } from '../../../functions/definitions/index.ts';
import { refreshRecent } from '../../../functions/definitions/refreshRecent.ts';

const sample = (JSON.parse(readFileSync(new URL('../../../local.settings.sample.json', import.meta.url), 'utf8')) as { Values: Record<string, string> }).Values;

describe('refreshRecent', () => {
  it('is a timer whose schedule comes from REFRESH_SCHEDULE and resolves to a valid daily NCRONTAB', () => {
    expect(refreshRecent.trigger).toEqual({ type: 'timer', schedule: '%REFRESH_SCHEDULE%' });
    expect(definitions).toContain(refreshRecent);
    const schedule = resolveSettingReferences(refreshRecent.trigger.schedule, sample);
    const next = CronExpressionParser.parse(schedule, { currentDate: new Date('2024-01-01T00:00:00Z'), tz: 'UTC' }).next();
    expect(next.toISOString()).toBe('2024-01-01T02:30:00.000Z');
  });
});

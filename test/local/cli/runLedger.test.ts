import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../functions/core/ledger/reconcile.ts';
import { assertBalanced, formatRunLedger } from '../../../local/cli/runLedger.ts';

const balanced: RunReport = {
  runId: 'file-0123456789abcdef01234567', file: 'us.jsonl', state: 'complete', balanced: true,
  cities: { accepted: 50, rejected: 2, duplicateLines: 0 }, jobs: { planned: 50, done: 50, rejected: 0, failed: 0, pending: 0 },
  cityDays: { requested: 12_100, fetched: 12_100, missing: 0, published: 12_100, synthetic: 0, aggregated: 12_100, deadLettered: 0, notFetched: 0, unaccounted: 0 },
  problems: [],
};

describe('formatRunLedger', () => {
  it('shows the equation the run must satisfy and its verdict', () => {
    expect(formatRunLedger(balanced)).toBe([
      'Run file-0123456789abcdef01234567: 50 cities accepted, 2 lines rejected, 50 jobs',
      '  city-days requested 12,100 = aggregated 12,100 + dead-lettered 0 + not fetched 0',
      '  fetched 12,100 (0 with no reading), published 12,100 · balanced',
    ].join('\n'));
  });

  it('names repeated lines merged into a city and synthetic days when there are any', () => {
    const text = formatRunLedger({ ...balanced, cities: { ...balanced.cities, duplicateLines: 2 }, cityDays: { ...balanced.cityDays, synthetic: 242 } });
    expect(text).toContain('50 cities accepted (2 repeated lines merged), 2 lines rejected');
    expect(text).toContain('fetched 12,100 (0 with no reading, 242 SYNTHETIC: made up by the stand-in, not weather)');
  });

  it('names unaccounted city-days when there are any', () => {
    const text = formatRunLedger({ ...balanced, balanced: false, cityDays: { ...balanced.cityDays, aggregated: 12_099, unaccounted: 1 } });
    expect(text).toContain('+ UNACCOUNTED 1');
    expect(text).toContain('NOT BALANCED');
  });
});

describe('assertBalanced', () => {
  it('passes a balanced run', () => {
    expect(() => assertBalanced(balanced)).not.toThrow();
  });

  it('throws E_LEDGER with the problems of an unbalanced run', () => {
    const report = { ...balanced, balanced: false, problems: ['x 2023-01-07: fetched but neither aggregated nor dead-lettered'] };
    expect(() => assertBalanced(report)).toThrow(expect.objectContaining({ code: 'E_LEDGER', message: expect.stringContaining('x 2023-01-07') }));
  });

  it('throws E_LEDGER naming the jobs that never reported when the run is still running', () => {
    const report: RunReport = { ...balanced, state: 'running', balanced: false, jobs: { ...balanced.jobs, done: 48, pending: 2 } };
    expect(() => assertBalanced(report)).toThrow(/2 job\(s\) never reported an outcome/);
  });
});

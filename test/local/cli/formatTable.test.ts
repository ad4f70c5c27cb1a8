import { describe, expect, it } from 'vitest';
import { formatMonthlyTable, formatRejected } from '../../../local/cli/formatTable.ts';
import { describeProgress, progressBar } from '../../../local/cli/progress.ts';

describe('formatMonthlyTable', () => {
  it('aligns names left and numbers right, with a dash for a month without readings', () => {
    const table = formatMonthlyTable([
      { cityId: 'a', city: 'Peabody, MA, USA', year: 2023, month: 2, min: -24.4, max: 14.5, mean: 0.6666, count: 672, missingHours: 0 },
      { cityId: 'b', city: 'Nome', year: 2023, month: 11, min: null, max: null, mean: null, count: 0, missingHours: 720 },
    ]);
    expect(table.split('\n')).toEqual([
      'city              year  month     min    max  mean',
      '----------------  ----  -----  ------  -----  ----',
      'Peabody, MA, USA  2023     02  -24.40  14.50  0.67',
      'Nome              2023     11       –      –     –',
    ]);
  });
});

describe('formatRejected', () => {
  it('lists each line with its number and reason, and says how many were left out', () => {
    expect(formatRejected('a.jsonl', [{ line: 2, reason: 'lat must be -90..90' }], 3)).toBe('3 rejected lines in a.jsonl:\n  line 2: lat must be -90..90\n  … and 2 more');
  });
});

describe('describeProgress', () => {
  it('reads jobs, API calls, events and elapsed time', () => {
    expect(describeProgress({ jobsDone: 12, jobsKnown: 50, apiCalls: 14, eventsAggregated: 2904, eventsPending: 484 }, 61_400)).toBe(
      '12/50 jobs · 14 API calls · 2,904 events aggregated (484 pending) · 61 s',
    );
  });
});

describe('progressBar', () => {
  it.each([
    [0, '[........................]'],
    [0.5, '[############............]'],
    [2, '[########################]'],
  ])('draws %d as %s', (fraction, bar) => {
    expect(progressBar(fraction)).toBe(bar);
  });
});

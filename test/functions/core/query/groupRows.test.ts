import { describe, expect, it } from 'vitest';
import { createRowGrouper, queryWindows } from '../../../../functions/core/query/groupRows.ts';
import { part } from './parts.ts';

const range = { from: '2023-01', to: '2023-12' };

describe('createRowGrouper', () => {
  it('without dimensions folds every part into the one row of the range', () => {
    const grouper = createRowGrouper({ city: false, time: 'none' }, range);
    grouper.add(part({ cityId: 'a', period: '2023-03', max: 12 }));
    grouper.add(part({ cityId: 'b', period: '2023-01' }));
    expect(grouper.endWindow()).toMatchObject([{ period: '2023-01..2023-12', cities: 2, max: 12, maxCityId: 'a', count: 20 }]);
  });

  it('across cities answers the periods of a window in order, however the parts arrive', () => {
    const grouper = createRowGrouper({ city: false, time: 'month' }, range);
    for (const period of ['2023-04', '2023-01', '2023-03', '2023-02', '2023-06', '2023-05']) grouper.add(part({ period }));
    expect(grouper.endWindow().map((r) => r.period)).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06']);
  });

  it('by city and day, finishes each row as soon as the next day starts: one group open at a time', () => {
    const grouper = createRowGrouper({ city: true, time: 'day' }, range);
    expect(grouper.add(part({ period: '2023-01-01' }))).toEqual([]);
    const [first] = grouper.add(part({ period: '2023-01-02' }));
    expect(first).toMatchObject({ cityId: 'a', city: 'A', lat: 10, lng: 20, period: '2023-01-01', year: 2023, month: 1, day: 1 });
    expect(first).not.toHaveProperty('cities');
    expect(grouper.add(part({ cityId: 'b', period: '2023-01-01' }))).toMatchObject([{ cityId: 'a', period: '2023-01-02' }]);
    expect(grouper.endWindow()).toMatchObject([{ cityId: 'b', period: '2023-01-01' }]);
    expect(grouper.endWindow()).toEqual([]);
  });

  it('by city and year, folds a city\'s months into one row per year', () => {
    const grouper = createRowGrouper({ city: true, time: 'year' }, range);
    const rows = [
      ...grouper.add(part({ period: '2022-12', min: -9, sum: 1, count: 1 })),
      ...grouper.add(part({ period: '2023-01', min: -3, sum: 2, count: 1 })),
      ...grouper.add(part({ period: '2023-02', min: -4, sum: 4, count: 1, minAt: '2023-02-03T00:00:00Z' })),
      ...grouper.endWindow(),
    ];
    expect(rows).toMatchObject([{ period: '2022', year: 2022, min: -9 }, { period: '2023', min: -4, minAt: '2023-02-03T00:00:00Z', mean: 3, count: 2 }]);
    expect(rows[0]).not.toHaveProperty('month');
  });

  it('refuses parts that go back in time within a city or return to a finished city (they would split a row)', () => {
    const back = createRowGrouper({ city: true, time: 'month' }, range);
    back.add(part({ period: '2023-02' }));
    expect(() => back.add(part({ period: '2023-01' }))).toThrow(/out of order/);
    const again = createRowGrouper({ city: true, time: 'month' }, range);
    again.add(part({ cityId: 'a' }));
    again.add(part({ cityId: 'b' }));
    expect(() => again.add(part({ cityId: 'a', period: '2023-05' }))).toThrow(/out of order/);
  });

  it('across cities, holds groups until the window ends and answers them in period order', () => {
    const grouper = createRowGrouper({ city: false, time: 'month' }, range);
    for (const p of [part({ cityId: 'a', period: '2023-02' }), part({ cityId: 'a', period: '2023-01' }), part({ cityId: 'b', period: '2023-02', max: 30 })]) {
      expect(grouper.add(p)).toEqual([]);
    }
    expect(grouper.endWindow()).toMatchObject([
      { period: '2023-01', year: 2023, month: 1, cities: 1 },
      { period: '2023-02', month: 2, cities: 2, max: 30, maxCityId: 'b' },
    ]);
    expect(grouper.endWindow()).toEqual([]);
  });

  it('without dimensions answers one row labelled with the range, even when nothing matched', () => {
    expect(createRowGrouper({ city: false, time: 'none' }, range).endWindow()).toEqual([
      { period: '2023-01..2023-12', min: null, max: null, mean: null, sum: 0, count: 0, missingHours: 0, days: 0, minAt: null, maxAt: null, minCity: null, minCityId: null, maxCity: null, maxCityId: null, cities: 0 },
    ]);
  });

  it('by city alone, answers one row per city with no time columns', () => {
    const grouper = createRowGrouper({ city: true, time: 'none' }, range);
    const rows = [...grouper.add(part({ period: '2023-01' })), ...grouper.add(part({ period: '2023-02' })), ...grouper.endWindow()];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cityId: 'a', period: '2023-01..2023-12', count: 20 });
    expect(rows[0]).not.toHaveProperty('year');
  });
});

describe('queryWindows', () => {
  it('reads across cities with a month or day grain one calendar year at a time', () => {
    expect(queryWindows({ city: false, time: 'day' }, '2021-11', '2023-02')).toEqual([
      { from: '2021-11', to: '2021-12' },
      { from: '2022-01', to: '2022-12' },
      { from: '2023-01', to: '2023-02' },
    ]);
  });

  it.each([
    [{ city: true, time: 'day' }],
    [{ city: false, time: 'year' }],
    [{ city: false, time: 'none' }],
  ] as const)('reads %j in one window', (groupBy) => {
    expect(queryWindows(groupBy, '2021-11', '2023-02')).toEqual([{ from: '2021-11', to: '2023-02' }]);
  });
});

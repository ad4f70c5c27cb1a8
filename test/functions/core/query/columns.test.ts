import { describe, expect, it } from 'vitest';
import { columnsFor, csvField, csvHeader, csvLine, pickColumns } from '../../../../functions/core/query/columns.ts';
import type { QueryRow } from '../../../../functions/core/query/queryRow.ts';

const row: QueryRow = {
  cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.5, lng: -71, period: '2023-01', year: 2023, month: 1,
  min: -3.5, max: 12, mean: 1.25, sum: 930, count: 744, missingHours: 0, days: 31, minAt: '2023-01-05T06:00:00Z', maxAt: '2023-01-12T15:00:00Z',
};

describe('columnsFor', () => {
  it('names the city columns when grouping by city and the where-columns when folding cities together', () => {
    expect(columnsFor({ city: true, time: 'month' })).toEqual(['cityId', 'city', 'lat', 'lng', 'period', 'year', 'month', 'min', 'max', 'mean', 'sum', 'count', 'missingHours', 'days', 'minAt', 'maxAt', 'synthetic']);
    expect(columnsFor({ city: false, time: 'day' })).toEqual(['period', 'year', 'month', 'day', 'min', 'max', 'mean', 'sum', 'count', 'missingHours', 'days', 'minAt', 'maxAt', 'minCity', 'minCityId', 'maxCity', 'maxCityId', 'cities', 'synthetic']);
    expect(columnsFor({ city: false, time: 'none' })).not.toContain('year');
  });
});

describe('pickColumns', () => {
  it('gives exactly the columns, in order, with null for what is absent', () => {
    const columns = columnsFor({ city: true, time: 'month' });
    const picked = pickColumns({ ...row, min: null }, columns);
    expect(Object.keys(picked)).toEqual(columns);
    expect(picked.min).toBeNull();
  });
});

describe('csvLine', () => {
  it('writes the same columns as the JSON row, quoting names with commas', () => {
    const columns = columnsFor({ city: true, time: 'month' });
    expect(csvHeader(columns)).toBe('cityId,city,lat,lng,period,year,month,min,max,mean,sum,count,missingHours,days,minAt,maxAt,synthetic\r\n');
    expect(csvLine(row, columns)).toBe('peabody-ma-usa,"Peabody, MA, USA",42.5,-71,2023-01,2023,1,-3.5,12,1.25,930,744,0,31,2023-01-05T06:00:00Z,2023-01-12T15:00:00Z,\r\n');
  });
});

describe('csvField', () => {
  it.each([
    [null, true, ''],
    ['say "hi"', true, '"say ""hi"""'],
    ['line\nbreak', true, '"line\nbreak"'],
    ['=HYPERLINK("x")', true, `"'=HYPERLINK(""x"")"`],
    ['+1', true, "'+1"],
    ['@SUM(A1)', true, "'@SUM(A1)"],
    [-3.5, false, '-3.5'],
    [true, false, 'true'],
  ])('writes %j (text %s) as %s', (value, text, cell) => {
    expect(csvField(value, text)).toBe(cell);
  });
});

describe('columns by grain', () => {
  it('has a month column only for month and day grains', () => {
    expect(columnsFor({ city: true, time: 'year' })).not.toContain('month');
    expect(columnsFor({ city: true, time: 'none' })).not.toContain('month');
    expect(columnsFor({ city: true, time: 'day' })).toContain('month');
  });
});

describe('csvLine, formula guard', () => {
  it('guards every text column, the city ids of the extremes included, and no number column', () => {
    const across = columnsFor({ city: false, time: 'month' });
    const extremes = { ...row, minCity: '=a', minCityId: '=b', maxCity: '+c', maxCityId: '@d', min: -3.5 };
    const line = csvLine(extremes, across);
    expect(line).toContain(",'=a,'=b,'+c,'@d,");
    expect(line).toContain(',-3.5,');
    expect(csvLine({ ...row, city: '-x', cityId: '=y' }, columnsFor({ city: true, time: 'none' }))).toMatch(/^'=y,'-x,/);
  });
});

describe('pickColumns, values', () => {
  it('keeps the values that are there', () => {
    expect(pickColumns(row, ['cityId', 'count', 'min'])).toEqual({ cityId: 'peabody-ma-usa', count: 744, min: -3.5 });
  });
});

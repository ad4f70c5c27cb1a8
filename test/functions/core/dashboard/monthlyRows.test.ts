import { describe, expect, it } from 'vitest';
import { monthlyRowFromEntity, sortMonthlyRows, toJsonRow, type MonthlyRow } from '../../../../functions/core/dashboard/monthlyRows.ts';

const row = (over: Partial<MonthlyRow>): MonthlyRow => ({ cityId: 'a', city: 'A', year: 2023, month: 1, min: -1, max: 5, mean: 2, count: 744, missingHours: 0, ...over });

describe('monthlyRowFromEntity', () => {
  it('reads a month entity into a row', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'oslo', rowKey: 'M|2024-02', city: 'Oslo', min: -9.5, max: 3, mean: -2.25, count: 690, missingHours: 6, sum: 1 })).toEqual({
      cityId: 'oslo', city: 'Oslo', year: 2024, month: 2, min: -9.5, max: 3, mean: -2.25, count: 690, missingHours: 6,
    });
  });

  it('uses the city id as the name when the entity has none, and empty text when it has no key either', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'oslo', rowKey: 'M|2024-02' })).toMatchObject({ cityId: 'oslo', city: 'oslo', count: 0, missingHours: 0, min: null });
    expect(monthlyRowFromEntity({ rowKey: 'M|2024-02', city: 7 })).toMatchObject({ cityId: '', city: '' });
  });

  it('reads a non-finite or non-numeric total as null', () => {
    expect(monthlyRowFromEntity({ partitionKey: 'x', rowKey: 'M|2024-02', min: '3', max: Number.NaN, mean: Number.POSITIVE_INFINITY, count: '7' })).toMatchObject({
      min: null, max: null, mean: null, count: 0,
    });
  });

  it.each([['meta'], ['xM|2023-01'], ['M|2023-01x'], ['M|2023-1'], [undefined]])('skips the row key %j, which is not a month', (rowKey) => {
    expect(monthlyRowFromEntity({ partitionKey: 'x', rowKey })).toBeUndefined();
  });
});

describe('sortMonthlyRows', () => {
  it('orders by city name before city id, then year, then month', () => {
    const sorted = sortMonthlyRows([
      row({ cityId: 'a', city: 'Zurich' }),
      row({ cityId: 'z', city: 'Aarhus', month: 2 }),
      row({ cityId: 'z', city: 'Aarhus', year: 2022, month: 12 }),
      row({ cityId: 'b', city: 'Aarhus', month: 5 }),
    ]);
    expect(sorted.map((r) => `${r.city}/${r.cityId} ${r.year}-${r.month}`)).toEqual(['Aarhus/b 2023-5', 'Aarhus/z 2022-12', 'Aarhus/z 2023-2', 'Zurich/a 2023-1']);
  });

  it('puts the earlier city name first whatever the ids say, from either input order', () => {
    const zurich = row({ cityId: 'a', city: 'Zurich' });
    const aarhus = row({ cityId: 'z', city: 'Aarhus' });
    expect(sortMonthlyRows([zurich, aarhus]).map((r) => r.city)).toEqual(['Aarhus', 'Zurich']);
    expect(sortMonthlyRows([aarhus, zurich]).map((r) => r.city)).toEqual(['Aarhus', 'Zurich']);
  });

  it('does not reorder its input', () => {
    const input = [row({ city: 'B' }), row({ city: 'A' })];
    sortMonthlyRows(input);
    expect(input.map((r) => r.city)).toEqual(['B', 'A']);
  });
});

describe('toJsonRow', () => {
  it('keeps the CLI fields and drops the city id', () => {
    expect(toJsonRow(row({ cityId: 'oslo', city: 'Oslo', min: null }))).toEqual({ city: 'Oslo', year: 2023, month: 1, min: null, max: 5, mean: 2, count: 744, missingHours: 0 });
  });

  it('marks a month of made-up readings as synthetic, so the CLI output says so', () => {
    expect(toJsonRow(row({ synthetic: true }))).toMatchObject({ synthetic: true });
    expect(toJsonRow(row({}))).not.toHaveProperty('synthetic');
  });
});

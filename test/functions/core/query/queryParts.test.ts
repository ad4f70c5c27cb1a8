import { describe, expect, it } from 'vitest';
import { dayRecord } from '../../../../functions/core/aggregate/dayPartial.ts';
import { monthAggregate, toMonthEntity } from '../../../../functions/core/aggregate/monthEntity.ts';
import { dayParts, inBbox, monthPart, queryProperties } from '../../../../functions/core/query/queryParts.ts';
import { makeEvent } from '../aggregate/makeEvent.ts';

const entity = () => {
  // Given out of order: the second day is the warmer one.
  const days = [['2023-03-02', 10], ['2023-03-01', 0]] as const;
  const records = days.map(([date, base]) => dayRecord(makeEvent({ date, hourly: Array.from({ length: 24 }, (_, h) => (h === 5 ? null : base + h)) })));
  return toMonthEntity(monthAggregate('salem', '2023-03', { city: 'Salem, MA, USA', lat: 42.5, lng: -70.9 }, new Map(records.map((d) => [d.date, d]))));
};

describe('monthPart', () => {
  it('reads the stored month totals and the place', () => {
    expect(monthPart(entity())).toEqual({
      cityId: 'salem', city: 'Salem, MA, USA', lat: 42.5, lng: -70.9, period: '2023-03', min: 0, max: 33, minAt: '2023-03-01T00:00:00Z', maxAt: '2023-03-02T23:00:00Z',
      sum: 271 + 501, count: 46, missingHours: 2, days: 2,
    });
  });
});

describe('dayParts', () => {
  it('answers the stored day records in date order, each with its instants', () => {
    expect(dayParts(entity())).toMatchObject([
      { period: '2023-03-01', min: 0, max: 23, minAt: '2023-03-01T00:00:00Z', maxAt: '2023-03-01T23:00:00Z', sum: 271, count: 23, missingHours: 1, days: 1, cityId: 'salem' },
      { period: '2023-03-02', min: 10, max: 33, minAt: '2023-03-02T00:00:00Z', sum: 501, count: 23, missingHours: 1, days: 1 },
    ]);
  });

  it('throws naming dayPartials for a corrupt entity', () => {
    expect(() => dayParts({ ...entity(), dayPartials: '{"2023-03-01": [1]}' })).toThrow(expect.objectContaining({ field: 'dayPartials' }));
  });
});

describe('queryProperties', () => {
  it('reads the day records only for a day grain', () => {
    expect(queryProperties('month')).not.toContain('dayPartials');
    expect(queryProperties('day')).toContain('dayPartials');
    expect(queryProperties('year')).toEqual(expect.arrayContaining(['PartitionKey', 'RowKey', 'city', 'lat', 'lng', 'min', 'max', 'sum', 'count', 'minAt', 'maxAt']));
  });
});

describe('inBbox', () => {
  const box = { minLat: 40, minLng: -75, maxLat: 45, maxLng: -70 };
  const wrap = { minLat: -30, minLng: 170, maxLat: 0, maxLng: -170 };
  it.each([
    [42.5, -70.9, box, true],
    [40, -75, box, true],
    [45, -70, box, true],
    [39.99, -72, box, false],
    [42, -69.99, box, false],
    [Number.NaN, -72, box, false],
    [-18, 178, wrap, true],
    [-18, -178, wrap, true],
    [-18, 180, wrap, true],
    [-18, -180, wrap, true],
    [-18, 0, wrap, false],
    [-18, 169.9, wrap, false],
    [45.01, -72, box, false],
    [42, -75.01, box, false],
    [-18, 170, wrap, true],
    [-18, -170, wrap, true],
    [-18, -169.9, wrap, false],
    [1, 2, { minLat: 1, minLng: 2, maxLat: 1, maxLng: 2 }, true],
    [1, 3, { minLat: 1, minLng: 2, maxLat: 1, maxLng: 2 }, false],
    [1, 1, { minLat: 1, minLng: 2, maxLat: 1, maxLng: 2 }, false],
  ])('places (%d, %d) in %j: %s', (lat, lng, b, inside) => {
    expect(inBbox(lat, lng, b)).toBe(inside);
  });
});

describe('the synthetic mark', () => {
  const synthetic = () => {
    const record = dayRecord(makeEvent({ date: '2023-03-01', hourly: Array<number>(24).fill(1), source: { api: 'a', fetchedAt: '2023-03-02T00:00:00Z', synthetic: true } }));
    return toMonthEntity(monthAggregate('salem', '2023-03', { city: 'Salem', lat: 1, lng: 1 }, new Map([[record.date, record]])));
  };

  it('is carried from a month entity into its month part, and from a day record into its day part', () => {
    expect(monthPart(synthetic() as unknown as Record<string, unknown>).synthetic).toBe(true);
    expect(dayParts(synthetic() as unknown as Record<string, unknown>).map((d) => d.synthetic)).toEqual([true]);
  });

  it('is absent from parts of real readings', () => {
    expect(monthPart(entity() as unknown as Record<string, unknown>)).not.toHaveProperty('synthetic');
    for (const day of dayParts(entity() as unknown as Record<string, unknown>)) expect(day).not.toHaveProperty('synthetic');
  });
});


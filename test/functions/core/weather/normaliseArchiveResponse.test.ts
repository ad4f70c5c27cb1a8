import { describe, expect, it } from 'vitest';
import { normaliseArchiveResponse } from '../../../../functions/core/weather/normaliseArchiveResponse.ts';
import type { ArchiveResponse } from '../../../../functions/core/weather/validateArchiveResponse.ts';
import type { FetchJob } from '../../../../functions/core/model.ts';

const job: FetchJob = { v: 1, runId: 'run-1', cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.53, lng: -70.98, start: '2023-01-01', end: '2023-01-03' };

function hours(from: string, count: number, value: (i: number) => number | null): ArchiveResponse['hourly'] {
  const start = Date.parse(`${from}:00Z`);
  const time = Array.from({ length: count }, (_, i) => new Date(start + i * 3_600_000).toISOString().slice(0, 16));
  return { time, temperature_2m: time.map((_, i) => value(i)) };
}

function response(hourly: ArchiveResponse['hourly'], elevation?: number): ArchiveResponse {
  return { latitude: 42.5, longitude: -71, utc_offset_seconds: 0, hourly, ...(elevation === undefined ? {} : { elevation }) };
}

const options = { fetchedAt: '2023-09-23T10:00:00.000Z', model: 'era5' };

describe('normaliseArchiveResponse', () => {
  it('makes one event per requested day with 24 readings in hour order', () => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 72, (i) => i / 10), 9), job, options);
    expect(events.map((e) => e.date)).toEqual(['2023-01-01', '2023-01-02', '2023-01-03']);
    expect(events.every((e) => e.hourly.length === 24)).toBe(true);
    expect(events[1]?.hourly).toEqual(Array.from({ length: 24 }, (_, h) => (24 + h) / 10));
    expect(stats).toEqual({ days: 3, missingDays: 0, nullHours: 0, invalidValues: 0, syntheticDays: 0 });
    expect(events[0]).toMatchObject({
      v: 1,
      cityId: 'peabody-ma-usa',
      city: 'Peabody, MA, USA',
      lat: 42.53,
      lng: -70.98,
      gridLat: 42.5,
      gridLng: -71,
      elevation: 9,
      source: { api: 'open-meteo-archive', model: 'era5', fetchedAt: options.fetchedAt, runId: 'run-1' },
    });
  });

  it('marks every event of a synthetic response, names no real model for it, and counts its days', () => {
    const { events, stats } = normaliseArchiveResponse({ ...response(hours('2023-01-01T00:00', 72, () => 1)), synthetic: true }, job, options);
    expect(events.map((e) => e.source)).toEqual(Array(3).fill({ api: 'open-meteo-archive', model: 'synthetic', synthetic: true, fetchedAt: options.fetchedAt, runId: 'run-1' }));
    expect(stats.syntheticDays).toBe(3);
  });

  it('keeps nulls as nulls, never zero, and counts them', () => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 72, (i) => (i % 5 === 0 ? null : 1))), job, options);
    expect(events[0]?.hourly[0]).toBeNull();
    expect(events[0]?.hourly[1]).toBe(1);
    expect(stats.nullHours).toBe(15);
    expect(events.flatMap((e) => e.hourly).filter((v) => v === 0)).toEqual([]);
  });

  it('turns a day the response does not cover into 24 nulls and counts it', () => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 48, () => 2)), job, options);
    expect(events[2]?.hourly).toEqual(new Array(24).fill(null));
    expect(stats).toEqual({ days: 3, missingDays: 1, nullHours: 24, invalidValues: 0, syntheticDays: 0 });
  });

  it('leaves the hours of a partly covered day that the response lacks as null', () => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T05:00', 67, () => 2)), job, options);
    expect(events[0]?.hourly.slice(0, 6)).toEqual([null, null, null, null, null, 2]);
    expect(stats.missingDays).toBe(0);
    expect(stats.nullHours).toBe(5);
  });

  it.each([-100.1, 70.1, 1e6, -273])('rejects %d °C as invalid: null, counted', (bad) => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 72, (i) => (i === 30 ? bad : 0.5))), job, options);
    expect(events[1]?.hourly[6]).toBeNull();
    expect(stats).toMatchObject({ invalidValues: 1, nullHours: 1 });
  });

  it.each([-100, 70, 0])('keeps the boundary value %d °C', (edge) => {
    const { events, stats } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 72, () => edge)), job, options);
    expect(events[0]?.hourly[0]).toBe(edge);
    expect(stats.invalidValues).toBe(0);
  });

  it('ignores hours outside the requested days', () => {
    const { events } = normaliseArchiveResponse(response(hours('2022-12-31T00:00', 120, (i) => i)), job, options);
    expect(events.map((e) => e.date)).toEqual(['2023-01-01', '2023-01-02', '2023-01-03']);
    expect(events[0]?.hourly[0]).toBe(24);
  });

  it('does not count an implausible reading outside the requested days (it is not used)', () => {
    // The day before and the day after the job hold 999 °C; the requested days hold 1 °C.
    const { stats } = normaliseArchiveResponse(response(hours('2022-12-31T00:00', 120, (i) => (i < 24 || i >= 96 ? 999 : 1))), job, options);
    expect(stats.invalidValues).toBe(0);
  });

  it('omits elevation and model when the response and options have none', () => {
    const { events } = normaliseArchiveResponse(response(hours('2023-01-01T00:00', 72, () => 1)), job, { fetchedAt: options.fetchedAt });
    expect(events[0]).not.toHaveProperty('elevation');
    expect(events[0]?.source).toEqual({ api: 'open-meteo-archive', fetchedAt: options.fetchedAt, runId: 'run-1' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenMeteoStandIn, type RunningStandIn } from '../../../local/openmeteo/standIn.ts';
import { loadRecordedCells, nearestCell } from '../../../local/openmeteo/recordedCells.ts';

const query = (params: Record<string, string>) =>
  new URLSearchParams({ hourly: 'temperature_2m', timezone: 'UTC', ...params }).toString();

async function get(standIn: RunningStandIn, params: Record<string, string>) {
  const response = await fetch(`${standIn.url}?${query(params)}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('startOpenMeteoStandIn', () => {
  let standIn: RunningStandIn;
  beforeAll(async () => {
    standIn = await startOpenMeteoStandIn({ availableUntil: '2024-12-31' });
  });
  afterAll(() => standIn.close());

  it('serves the recorded series of the nearest cell for a seed city, shaped like the real API', async () => {
    const { status, text } = await get(standIn, { latitude: '42.536457', longitude: '-70.985786', start_date: '2023-03-01', end_date: '2023-03-02' });
    expect(status).toBe(200);
    const body = JSON.parse(text) as { latitude: number; longitude: number; utc_offset_seconds: number; hourly: { time: string[]; temperature_2m: number[] } };
    const cell = loadRecordedCells().cells.find((c) => c.latitude === body.latitude && c.longitude === body.longitude);
    expect(cell).toBeDefined();
    expect(body.utc_offset_seconds).toBe(0);
    expect(body.hourly.time[0]).toBe('2023-03-01T00:00');
    expect(body.hourly.time).toHaveLength(48);
    const offset = (31 + 28) * 24;
    expect(body.hourly.temperature_2m).toEqual(cell?.temperature_2m.slice(offset, offset + 48));
  });

  it('gives each range its own hours, however many ranges were asked for before', async () => {
    const hoursOf = async (start: string, end: string) =>
      (JSON.parse((await get(standIn, { latitude: '42.5', longitude: '-71', start_date: start, end_date: end })).text) as { hourly: { time: string[] } }).hourly.time;
    const ranges = Array.from({ length: 20 }, (_, i) => [`2023-02-${String(i + 1).padStart(2, '0')}`, `2023-02-${String(i + 2).padStart(2, '0')}`] as const);
    for (const [start, end] of ranges) expect((await hoursOf(start, end))[0]).toBe(`${start}T00:00`);
    const first = await hoursOf('2023-02-01', '2023-02-02');
    expect([first[0], first.at(-1), first.length]).toEqual(['2023-02-01T00:00', '2023-02-02T23:00', 48]);
    const sameStartLonger = await hoursOf('2023-02-01', '2023-02-03');
    expect([sameStartLonger.at(-1), sameStartLonger.length]).toEqual(['2023-02-03T23:00', 72]);
  });

  it('ships the whole recording: 48 cells × 242 days of hourly readings, none missing', () => {
    const recorded = loadRecordedCells();
    expect(recorded.firstHour).toBe('2023-01-01T00:00');
    expect(recorded.hours).toBe(242 * 24);
    expect(recorded.cells).toHaveLength(48);
    expect(recorded.cells.every((c) => c.temperature_2m.every((v) => typeof v === 'number'))).toBe(true);
    expect(nearestCell(recorded.cells, 42.536457, -70.985786)).toMatchObject({ latitude: 42.5, longitude: -71 });
    expect(nearestCell(recorded.cells, 0, 0)).toBeUndefined();
  });

  it('serves deterministic synthetic data away from the recording, the same bytes for the same request', async () => {
    const params = { latitude: '-33.87', longitude: '151.21', start_date: '2020-06-01', end_date: '2020-06-03' };
    const first = await get(standIn, params);
    const second = await get(standIn, params);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    const body = JSON.parse(first.text) as { latitude: number; longitude: number; elevation: number; hourly: { temperature_2m: number[] } };
    expect(body).toMatchObject({ latitude: -33.9, longitude: 151.2 });
    expect(body.hourly.temperature_2m).toHaveLength(72);
    expect(body.hourly.temperature_2m.every((t) => t > -20 && t < 40)).toBe(true);
    // An overlapping range agrees on the shared hours.
    const overlap = JSON.parse((await get(standIn, { ...params, start_date: '2020-06-02', end_date: '2020-06-02' })).text) as typeof body;
    expect(overlap.hourly.temperature_2m).toEqual(body.hourly.temperature_2m.slice(24, 48));
  });

  it('uses synthetic data for a seed city when the range leaves the recording', async () => {
    const body = JSON.parse((await get(standIn, { latitude: '42.536457', longitude: '-70.985786', start_date: '2023-08-30', end_date: '2023-08-31' })).text) as { elevation?: number; latitude: number };
    expect(body.latitude).toBe(42.5);
    expect(body.elevation).toBeTypeOf('number');
  });

  it('marks a synthetic answer on the wire ("synthetic": true) and never a recorded one', async () => {
    const made = JSON.parse((await get(standIn, { latitude: '64.1466', longitude: '-21.9426', start_date: '2023-01-01', end_date: '2023-01-01' })).text) as Record<string, unknown>;
    expect(made.synthetic).toBe(true);
    const recorded = JSON.parse((await get(standIn, { latitude: '42.536457', longitude: '-70.985786', start_date: '2023-01-01', end_date: '2023-01-01' })).text) as Record<string, unknown>;
    expect(recorded).not.toHaveProperty('synthetic');
    const mixed = JSON.parse((await get(standIn, { latitude: '42.536457,0', longitude: '-70.985786,0', start_date: '2023-01-01', end_date: '2023-01-01' })).text) as Record<string, unknown>[];
    expect(mixed.map((b) => b.synthetic)).toEqual([undefined, true]);
  });

  it('answers several comma-separated coordinates with a JSON array, weighing each location', async () => {
    const before = standIn.stats().weight;
    const { text } = await get(standIn, { latitude: '42.536457,10', longitude: '-70.985786,10', start_date: '2023-01-01', end_date: '2023-01-28' });
    const body = JSON.parse(text) as unknown[];
    expect(Array.isArray(body)).toBe(true);
    expect(body).toHaveLength(2);
    expect(standIn.stats().weight - before).toBe(2); // 28 days of one variable weigh 1 (0.2, floored at 1), × 2 locations
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a latitude beyond 90', { latitude: '95', longitude: '10', start_date: '2023-01-01', end_date: '2023-01-01' }, /^Latitude must be in range of -90 to 90°\. Given: 95\.0\.$/],
    ['a longitude beyond 180', { latitude: '10', longitude: '-181', start_date: '2023-01-01', end_date: '2023-01-01' }, /Longitude must be in range/],
    ['a missing latitude', { longitude: '10', start_date: '2023-01-01', end_date: '2023-01-01' }, /required for key 'latitude'/],
    ['unequal coordinate counts', { latitude: '1,2', longitude: '1', start_date: '2023-01-01', end_date: '2023-01-01' }, /same number/],
    ['a malformed date', { latitude: '1', longitude: '1', start_date: '2023-1-1', end_date: '2023-01-01' }, /Invalid date format/],
    ['an end before the start', { latitude: '1', longitude: '1', start_date: '2023-01-02', end_date: '2023-01-01' }, /End-date must be larger/],
    ['a date past the archive', { latitude: '1', longitude: '1', start_date: '2024-12-01', end_date: '2025-01-01' }, /'end_date' is out of allowed range from 1940-01-01 to 2024-12-31/],
    ['a date before 1940', { latitude: '1', longitude: '1', start_date: '1939-12-31', end_date: '1940-01-01' }, /'start_date' is out of allowed range/],
  ])('refuses %s with 400 {error, reason} like the real API', async (_label, params, reason) => {
    const { status, text } = await get(standIn, params);
    expect(status).toBe(400);
    const body = JSON.parse(text) as { error: boolean; reason: string };
    expect(body.error).toBe(true);
    expect(body.reason).toMatch(reason);
  });

  it('answers 404 off the archive path', async () => {
    expect((await fetch(standIn.url.replace('/v1/archive', '/v1/forecast'))).status).toBe(404);
  });
});

describe('startOpenMeteoStandIn switches', () => {
  it('answers null for the trailing N days', async () => {
    const standIn = await startOpenMeteoStandIn({ nullTrailingDays: 2, availableUntil: '2023-12-31' });
    try {
      const body = JSON.parse((await get(standIn, { latitude: '42.5', longitude: '-71', start_date: '2023-01-01', end_date: '2023-01-05' })).text) as { hourly: { temperature_2m: (number | null)[] } };
      expect(body.hourly.temperature_2m.slice(0, 72).every((v) => typeof v === 'number')).toBe(true);
      expect(body.hourly.temperature_2m.slice(72)).toEqual(new Array(48).fill(null));
    } finally {
      await standIn.close();
    }
  });

  it.each([
    ['hour', { perMinute: 100, perHour: 2, perDay: 100 }, 'Hourly API request limit exceeded. Please try again in the next hour.'],
    ['day', { perMinute: 100, perHour: 100, perDay: 2 }, 'Daily API request limit exceeded. Please try again tomorrow.'],
  ])('enforces the %s window of the free tier, naming it in the 429 reason', async (_name, limits, expected) => {
    const standIn = await startOpenMeteoStandIn({ limits, availableUntil: '2023-12-31' });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await get(standIn, { latitude: '1', longitude: '1', start_date: '2023-01-01', end_date: '2023-01-01' }));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
      expect((JSON.parse(answers[2]!.text) as { reason: string }).reason).toBe(expected);
      expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await standIn.close();
    }
  });

  it('enforces a weighted limit per window with the real 429 and a Retry-After, and counts it', async () => {
    const standIn = await startOpenMeteoStandIn({ limitPerWindow: 3, limitWindowMs: 60_000, availableUntil: '2023-12-31' });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      let reason = '';
      for (let i = 0; i < 5; i++) {
        const r = await get(standIn, { latitude: '1', longitude: '1', start_date: '2023-01-01', end_date: '2023-01-01' });
        statuses.push(r.status);
        if (r.status === 429) {
          reason = (JSON.parse(r.text) as { reason: string }).reason;
          retryAfter = r.headers.get('retry-after');
        }
      }
      // A window boundary may fall inside the loop; at most 3 pass per window either way.
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(6);
      expect(statuses).toContain(429);
      expect(reason).toBe('Minutely API request limit exceeded. Please try again in one minute.');
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(standIn.stats()).toMatchObject({ calls: 5, limitExceeded: statuses.filter((s) => s === 429).length });
    } finally {
      await standIn.close();
    }
  });

  it('serves injected faults in order before answering normally', async () => {
    const standIn = await startOpenMeteoStandIn({ retryAfterSeconds: 7, availableUntil: '2023-12-31' });
    try {
      standIn.inject('429', '5xx');
      const params = { latitude: '1', longitude: '1', start_date: '2023-01-01', end_date: '2023-01-01' };
      const first = await get(standIn, params);
      expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7']);
      expect((await get(standIn, params)).status).toBeGreaterThanOrEqual(500);
      expect((await get(standIn, params)).status).toBe(200);
      expect(standIn.stats()).toMatchObject({ calls: 3, served: 1, rateLimited: 1, serverErrors: 1 });
    } finally {
      await standIn.close();
    }
  });
});

describe('startOpenMeteoStandIn with synthetic: false', () => {
  it('serves the recording and answers 400 naming the location for anything it would have to make up', async () => {
    const standIn = await startOpenMeteoStandIn({ availableUntil: '2024-12-31', synthetic: false });
    try {
      expect((await get(standIn, { latitude: '42.536457', longitude: '-70.985786', start_date: '2023-01-01', end_date: '2023-01-02' })).status).toBe(200);
      const place = await get(standIn, { latitude: '64.1466', longitude: '-21.9426', start_date: '2023-01-01', end_date: '2023-01-02' });
      expect(place.status).toBe(400);
      expect(JSON.parse(place.text)).toEqual({ error: true, reason: expect.stringMatching(/^The recording has no data for latitude 64\.1466, longitude -21\.9426 from 2023-01-01 to 2023-01-02/) });
      const dates = await get(standIn, { latitude: '42.536457', longitude: '-70.985786', start_date: '2023-08-30', end_date: '2023-09-01' });
      expect(dates.status).toBe(400);
      expect(standIn.stats()).toMatchObject({ served: 1, synthetic: 0, badRequests: 2 });
    } finally {
      await standIn.close();
    }
  });
});

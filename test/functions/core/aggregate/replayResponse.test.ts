import { describe, expect, it } from 'vitest';
import { replayResponse } from '../../../../functions/core/aggregate/replayResponse.ts';
import { normaliseArchiveResponse } from '../../../../functions/core/weather/normaliseArchiveResponse.ts';
import { rawResponseMetadata, rawResponseName, type RawResponseInfo } from '../../../../functions/core/weather/rawResponse.ts';
import { validateArchiveResponse } from '../../../../functions/core/weather/validateArchiveResponse.ts';

const info: RawResponseInfo = {
  cityId: 'peabody-ma-usa', city: 'Peabody, MA, USA', lat: 42.53, lng: -70.98, start: '2023-01-01', end: '2023-01-03',
  fetchedAt: '2023-09-23T10:00:00.000Z', runId: 'run-1', model: 'era5',
};
const name = rawResponseName(info);
const metadata = rawResponseMetadata(info);
const all = { from: '2023-01-01', to: '2023-01-03' };

function body(value: (hour: number) => string = (h) => (h / 10).toFixed(1)): Buffer {
  const time = Array.from({ length: 72 }, (_, i) => `"${new Date(Date.parse('2023-01-01T00:00:00Z') + i * 3_600_000).toISOString().slice(0, 16)}"`);
  return Buffer.from(`{"latitude":42.5,"longitude":-71.0,"utc_offset_seconds":0,"elevation":9.0,"hourly_units":{"temperature_2m":"°C"},`
    + `"hourly":{"time":[${time.join(',')}],"temperature_2m":[${time.map((_, h) => value(h)).join(',')}]}}`, 'utf8');
}

describe('replayResponse', () => {
  it('rebuilds the events ingest published from the same response', () => {
    const bytes = body();
    const published = normaliseArchiveResponse(validateArchiveResponse(JSON.parse(bytes.toString('utf8'))),
      { v: 1, runId: 'run-1', cityId: info.cityId, city: info.city, lat: info.lat, lng: info.lng, start: info.start, end: info.end },
      { fetchedAt: info.fetchedAt, model: 'era5' }).events;
    expect(replayResponse(name, bytes, metadata, all)).toEqual({ ok: true, info, events: published, rejected: [] });
  });

  it('reads a body with a byte-order mark as the client does', () => {
    const replayed = replayResponse(name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body()]), metadata, all);
    expect(replayed.ok && replayed.events).toHaveLength(3);
  });

  it('keeps only the days of the range asked for', () => {
    const replayed = replayResponse(name, body(), metadata, { from: '2023-01-02', to: '2023-01-02' });
    expect(replayed.ok && replayed.events.map((e) => e.date)).toEqual(['2023-01-02']);
  });

  it('normalises only the part of a window inside the range, however long the metadata says the window is', () => {
    const endless = { ...info, start: '0001-01-01', end: '9999-12-31' };
    const started = performance.now();
    const replayed = replayResponse(rawResponseName(endless), body(), rawResponseMetadata(endless), { from: '2022-12-31', to: '2023-01-02' });
    expect(replayed.ok && replayed.events.map((e) => [e.date, e.hourly.filter((v) => v !== null).length])).toEqual([['2022-12-31', 0], ['2023-01-01', 24], ['2023-01-02', 24]]);
    expect(performance.now() - started).toBeLessThan(1_000); // the whole window would be 3.65 M days of events
  });

  it('gives the numbers the stream decodes after JSON on the hub: -0 arrives as 0', () => {
    const replayed = replayResponse(name, body((h) => (h === 0 ? '-0.0' : '1.0')), metadata, all);
    expect(replayed.ok && Object.is(replayed.events[0]!.hourly[0], 0)).toBe(true);
  });

  it.each<[string, Buffer, RegExp]>([
    ['a body that is not JSON', body().subarray(0, 300), /^body is not JSON \(300 bytes\)/],
    ['a body cut to nothing', Buffer.alloc(0), /^body is not JSON \(0 bytes\)/],
    ['a body of the wrong shape', Buffer.from('{"latitude":42.5,"longitude":-71,"utc_offset_seconds":3600,"hourly":{"time":[],"temperature_2m":[]}}'), /utc_offset_seconds/],
    ['a reading that is not a number', body((h) => (h === 5 ? '"warm"' : '1.0')), /temperature_2m\[5\]/],
  ])('reports %s with the reason instead of throwing', (_label, bytes, reason) => {
    expect(replayResponse(name, bytes, metadata, all)).toEqual({ ok: false, reason: expect.stringMatching(reason) as string });
  });

  it('reports metadata that does not describe the response', () => {
    expect(replayResponse(name, body(), { ...metadata, lat: 'north' }, all)).toEqual({ ok: false, reason: expect.stringMatching(/lat\/lng/) as string });
  });
});

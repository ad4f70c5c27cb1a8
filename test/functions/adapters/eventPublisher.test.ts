import { randomUUID } from 'node:crypto';
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEventPublisher, toEventData } from '../../../functions/adapters/eventPublisher.ts';
import type { CityDayEvent } from '../../../functions/core/model.ts';
import { ValidationError } from '../../../functions/errors.ts';
import { HUB, markHub, readSince, type ReadEvent } from '../ingest/fetchEventReader.ts';

const connectionString = inject('eventHubsConnectionString');

function event(cityId: string, date: string, runId: string, city = 'Somewhere'): CityDayEvent {
  return {
    v: 1, cityId, city, lat: 1, lng: 2, gridLat: 1, gridLng: 2, date,
    hourly: Array.from({ length: 24 }, (_, h) => (h === 3 ? null : h / 2)),
    source: { api: 'open-meteo-archive', model: 'era5', fetchedAt: '2023-09-23T00:00:00.000Z', runId },
  };
}

describe('createEventPublisher', () => {
  const producer = new EventHubProducerClient(connectionString, HUB);
  afterAll(() => producer.close());

  it('publishes every event as JSON with contentType and v, each city on one partition in date order', async () => {
    const runId = randomUUID();
    const mark = await markHub(connectionString);
    const days = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2023, 0, 1 + i)).toISOString().slice(0, 10));
    const events = ['alpha', 'bravo', 'charlie'].flatMap((city) => days.map((d) => event(`${city}-${runId.slice(0, 8)}`, d, runId)));
    const summary = await createEventPublisher(producer).publish(events);
    expect(summary.events).toBe(120);
    expect(summary.batches).toBeGreaterThanOrEqual(3);

    const mine = (all: ReadEvent[]) => all.filter((e) => (e.event.body as CityDayEvent).source?.runId === runId);
    const read = mine(await readSince(connectionString, mark, (all) => mine(all).length >= 120));
    expect(read).toHaveLength(120);
    expect(read.map((e) => e.event.body)).toEqual(expect.arrayContaining(events));
    for (const r of read) {
      expect(r.event.contentType).toBe('application/json');
      expect(r.event.properties).toMatchObject({ v: 1 });
    }
    for (const city of ['alpha', 'bravo', 'charlie']) {
      const ofCity = read.filter((e) => (e.event.body as CityDayEvent).cityId.startsWith(city));
      expect(new Set(ofCity.map((e) => e.partitionId)).size).toBe(1);
      expect(ofCity.map((e) => (e.event.body as CityDayEvent).date)).toEqual(days);
      expect(ofCity.every((e) => e.event.partitionKey?.startsWith(city))).toBe(true);
    }
  });

  it('packs many events into few batches, sending each when full', async () => {
    const runId = randomUUID();
    const events = Array.from({ length: 2_000 }, (_, i) => event(`packed-${runId.slice(0, 8)}`, new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10), runId));
    const size = Buffer.byteLength(JSON.stringify(events[0]));
    const summary = await createEventPublisher(producer).publish(events);
    expect(summary.events).toBe(2_000);
    // ~300 bytes each: a 1 MB batch holds thousands, a 256 KB one hundreds; either way far fewer batches than events.
    expect(summary.batches).toBeGreaterThan(0);
    expect(summary.batches).toBeLessThanOrEqual(Math.ceil((2_000 * (size + 64)) / (200 * 1024)) + 1);
  });

  it('throws a ValidationError for an event that cannot fit an empty batch', async () => {
    const huge = event('huge-city', '2023-01-01', randomUUID(), 'x'.repeat(2 * 1024 * 1024));
    await expect(createEventPublisher(producer).publish([huge])).rejects.toThrow(ValidationError);
  });
});

describe('toEventData', () => {
  it('sends the event itself as a JSON body with its schema version as property v', () => {
    const e = event('c', '2023-01-01', 'r');
    expect(toEventData(e)).toEqual({ body: e, contentType: 'application/json', properties: { v: 1 } });
  });
});

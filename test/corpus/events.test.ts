// Bad events on the hub, each between two good ones in one batch through the real aggregator handler on Azurite:
// the bad one is dead-lettered under its partition and sequence number with the reason, the good ones apply,
// nothing throws (a throw would make the host retry the whole batch), and no prototype is touched.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createAggregateTemperaturesHandler } from '../../functions/aggregate/aggregateBatch.ts';
import { eventHubContext, newContainer, newTable, tableSnapshot } from '../functions/aggregate/fixtures.ts';
import { makeEvent } from '../functions/core/aggregate/makeEvent.ts';

const connectionString = inject('azuriteConnectionString');
let deadletter: Awaited<ReturnType<typeof newContainer>>;
beforeAll(async () => {
  deadletter = await newContainer(connectionString, 'deadletter-corpus-');
});

const good = makeEvent({ cityId: 'good-city', date: '2023-05-01' });
const hours = (value: unknown) => Array.from({ length: 24 }, (_, h) => (h === 7 ? value : 10));

const badEvents: [string, unknown, RegExp][] = [
  ['a newer schema version', { ...good, v: 2 }, /^v must be 1, got 2$/],
  ['the version as a string', { ...good, v: '1' }, /^v must be 1, got "1"$/],
  ['no version at all', { ...good, v: undefined }, /^v must be 1, got nothing$/],
  ['a body that is not JSON', '{"v": 1, "cityId": ', /^body is not JSON$/],
  ['a JSON array', [good], /^body is not a JSON object$/],
  ['JSON null', 'null', /^body is not a JSON object$/],
  ['a number', 42, /^body is not a JSON object$/],
  ['a city id with a slash', { ...good, cityId: 'a/../b' }, /^cityId must be/],
  ['a city id of 101 characters', { ...good, cityId: 'x'.repeat(101) }, /^cityId must be/],
  ['a city id with a control character', { ...good, cityId: 'a\u0007b' }, /^cityId must be/],
  ['an empty city name', { ...good, city: '' }, /^city must be a non-empty string$/],
  ['latitude as a string', { ...good, lat: '42.5' }, /^lat must be a number/],
  ['longitude out of range', { ...good, lng: 200 }, /^lng must be a number in -180..180$/],
  ['an impossible date', { ...good, date: '2023-02-30' }, /^date must be a calendar date/],
  ['a date with a time', { ...good, date: '2023-05-01T00:00:00Z' }, /^date must be a calendar date/],
  ['23 hourly values', { ...good, hourly: hours(1).slice(1) }, /^hourly must be an array of 24 entries$/],
  ['25 hourly values', { ...good, hourly: [...hours(1), 1] }, /^hourly must be an array of 24 entries$/],
  ['an hourly value as a string', { ...good, hourly: hours('12.5') }, /^hourly\[7\] must be a finite number or null$/],
  ['an hourly value of 1e308', { ...good, hourly: hours(1e308) }, /^hourly\[7\] = 1e\+308 is outside -100..70 °C$/],
  ['an hourly value below absolute cold', { ...good, hourly: hours(-300) }, /^hourly\[7\] = -300 is outside/],
  ['no source', { ...good, source: undefined }, /^source must be an object$/],
  ['a fetch time without a zone', { ...good, source: { api: 'x', fetchedAt: '2023-09-23T10:00:00' } }, /^source.fetchedAt must be/],
  ['a fetch time that is not a time', { ...good, source: { api: 'x', fetchedAt: 'yesterday' } }, /^source.fetchedAt must be/],
];

describe('the event corpus', () => {
  it.each(badEvents.map(([name, body, reason], i) => [name, i, body, reason] as const))('dead-letters %s with its reason and applies the events around it', async (_name, i, body, reason) => {
    const { client, table } = await newTable(connectionString, 'corpusev');
    const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
    const before = makeEvent({ cityId: 'good-city', date: '2023-05-01' });
    const after = makeEvent({ cityId: 'good-city', date: '2023-05-02' });
    const wire = typeof body === 'string' ? body : JSON.parse(JSON.stringify(body) ?? 'null');
    const partition = String(i);
    await handler([before, wire, after], eventHubContext(partition, 10, 3));
    const snapshot = await tableSnapshot(client);
    expect(Object.keys(snapshot)).toEqual(['good-city/M|2023-05']);
    expect(snapshot['good-city/M|2023-05']).toMatchObject({ days: 2, count: 48 });
    const letter = JSON.parse((await deadletter.blobs.getText(deadletter.name, `${partition}/11.json`)) ?? 'null') as { reason: string; sequenceNumber: number };
    expect(letter.reason).toMatch(reason);
    expect(letter.sequenceNumber).toBe(11);
  });

  it('ignores prototype keys inside an event instead of merging them anywhere', async () => {
    const { client, table } = await newTable(connectionString, 'corpusproto');
    const handler = createAggregateTemperaturesHandler({ table, blobs: deadletter.blobs, deadletterContainer: deadletter.name });
    const body = `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, ${JSON.stringify(makeEvent({ cityId: 'proto-city' })).slice(1)}`;
    await handler([body], eventHubContext('proto', 0, 1));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const snapshot = await tableSnapshot(client);
    expect(Object.keys(snapshot)).toEqual(['proto-city/M|2023-01']);
    expect(Object.keys(snapshot['proto-city/M|2023-01']!)).not.toContain('polluted');
  });
});

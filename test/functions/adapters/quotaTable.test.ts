import { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { createQuotaTable, quotaPartition } from '../../../functions/adapters/quotaTable.ts';
import { windowRowKey, type WindowClaim } from '../../../functions/core/weather/quotaWindows.ts';
import { limitWindows } from '../../../functions/core/weather/rateLimiter.ts';
import { uniqueName } from '../aggregate/fixtures.ts';

const connectionString = inject('azuriteConnectionString');
const [minute, hour] = limitWindows({ perMinute: 600, perHour: 5_000, perDay: 10_000 }) as [ReturnType<typeof limitWindows>[number], ReturnType<typeof limitWindows>[number]];
const START = Date.parse('2025-03-04T09:30:00Z');
const HOUR = Date.parse('2025-03-04T09:00:00Z');
const claim = (overrides: Partial<WindowClaim> = {}): WindowClaim => ({ window: minute, start: START, need: 1, want: 16, owed: 0, ...overrides });

async function newQuotaTable() {
  const client = TableClient.fromConnectionString(connectionString, uniqueName('quota'), { allowInsecureConnection: true });
  await client.createTable();
  return client;
}

describe('createQuotaTable', () => {
  it('never grants more than the window allows, however many instances claim at once', async () => {
    const client = await newQuotaTable();
    // Eight instances (each its own client) claiming in parallel until the minute is gone.
    const stores = Array.from({ length: 8 }, () => createQuotaTable(TableClient.fromConnectionString(connectionString, client.tableName, { allowInsecureConnection: true }), 'p'));
    const granted: number[] = [];
    await Promise.all(stores.map(async (store) => {
      for (;;) {
        const [minuteResult, hourResult] = await store.claim([claim({ want: 40 }), claim({ window: hour, start: HOUR, want: 40 })]);
        if (minuteResult!.exhausted || hourResult!.exhausted) return;
        expect(hourResult!.granted).toBeGreaterThan(0);
        granted.push(minuteResult!.granted);
      }
    }));
    const total = granted.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(600);
    expect(total).toBeGreaterThan(599);
    const stored = await client.getEntity<Record<string, unknown>>('p', windowRowKey(minute, START));
    expect(stored).toMatchObject({ window: 'minute', windowStart: '2025-03-04T09:30:00.000Z', limit: 600, claims: granted.length });
    expect(stored.claimed).toBeCloseTo(total, 9);
  });

  it('reuses the slot a day later as a new window', async () => {
    const client = await newQuotaTable();
    const store = createQuotaTable(client, 'p');
    await store.claim([claim({ need: 600, want: 600 })]);
    expect(await store.claim([claim()])).toEqual([{ granted: 0, exhausted: true }]);
    expect(await store.claim([claim({ start: START + 86_400_000 })])).toEqual([{ granted: 16, exhausted: false }]);
    const stored = await client.getEntity<Record<string, unknown>>('p', 'minute|09:30:00');
    expect(stored).toMatchObject({ windowStart: '2025-03-05T09:30:00.000Z', claimed: 16, claims: 1 });
  });

  it('records weight spent while it could not be reached, and a 429 shrinks the window for everyone', async () => {
    const client = await newQuotaTable();
    const [a, b] = [createQuotaTable(client, 'p'), createQuotaTable(client, 'p')];
    await a!.claim([claim({ owed: 7.5, need: 0, want: 0 })]);
    await b!.claim([claim()]);
    await a!.exhaust(minute, START);
    expect(await b!.claim([claim()])).toEqual([{ granted: 0, exhausted: true }]);
    expect(await client.getEntity<Record<string, unknown>>('p', 'minute|09:30:00')).toMatchObject({ claimed: 23.5, allowance: 23.5 });
  });

  it('keeps each API key (and the keyless quota) in its own partition, without the key itself', () => {
    const free = quotaPartition('https://archive-api.open-meteo.com/v1/archive', undefined);
    const paid = quotaPartition('https://customer-archive-api.open-meteo.com/v1/archive', 'secret-key-123');
    expect(free).toBe('archive-api.open-meteo.com|no-key');
    expect(paid).toMatch(/^customer-archive-api\.open-meteo\.com\|[0-9a-f]{16}$/);
    expect(paid).not.toContain('secret');
    expect(quotaPartition('https://customer-archive-api.open-meteo.com/v1/archive', 'other-key')).not.toBe(paid);
  });

  it('fails within its timeout when the table cannot be reached', async () => {
    const unreachable = TableClient.fromConnectionString(connectionString.replace(/TableEndpoint=http:\/\/[^/]+/, 'TableEndpoint=http://127.0.0.1:9'), 'quota', {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    const started = Date.now();
    await expect(createQuotaTable(unreachable, 'p', { timeoutMs: 2_000 }).claim([claim()])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

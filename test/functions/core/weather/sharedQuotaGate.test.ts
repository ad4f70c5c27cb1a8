import { describe, expect, it } from 'vitest';
import { createSharedQuotaGate, type QuotaStore, type SharedQuotaGate } from '../../../../functions/core/weather/sharedQuotaGate.ts';
import { EPSILON, planClaims, planExhaust, windowRowKey, windowStartOf, type WindowClaim, type WindowState } from '../../../../functions/core/weather/quotaWindows.ts';
import type { LimitWindow } from '../../../../functions/core/weather/rateLimiter.ts';
import type { GateClock } from '../../../../functions/core/weather/limiterGate.ts';
import { QuotaWaitError } from '../../../../functions/errors.ts';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Virtual time shared by several gates: a sleep is a timer, and `run` moves time to the next one once all else has settled. */
function virtualTime(start = 0) {
  let now = start;
  const timers: { at: number; resolve: () => void }[] = [];
  const clock: GateClock = { now: () => now, sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })) };
  return {
    clock,
    now: () => now,
    async run(until: () => boolean, limitMs = 10 * 86_400_000): Promise<void> {
      for (;;) {
        await settle();
        if (until()) return;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) throw new Error('nothing left to wait for, and not done');
        if (next.at > start + limitMs) throw new Error('ran out of virtual time');
        now = next.at;
        next.resolve();
      }
    },
  };
}

/** The store as the table adapter runs it (the same pure planning), in memory; `down` makes it unreachable. */
function memoryStore(down: () => boolean = () => false) {
  const rows = new Map<string, WindowState>();
  const state = { rows, down: false, claims: 0, exhausts: 0, sent: [] as WindowClaim[][] };
  const store: QuotaStore = {
    async claim(claims) {
      if (state.down || down()) throw new Error('ECONNREFUSED');
      state.claims++;
      state.sent.push([...claims]);
      const keys = claims.map((c) => windowRowKey(c.window, c.start));
      const { writes, results } = planClaims(keys.map((k) => rows.get(k)), claims);
      writes.forEach((w, i) => w && rows.set(keys[i]!, w));
      return results;
    },
    async exhaust(window, start) {
      if (state.down) throw new Error('ECONNREFUSED');
      state.exhausts++;
      const key = windowRowKey(window, start);
      const next = planExhaust(rows.get(key), window, start);
      if (next) rows.set(key, next);
    },
  };
  return { store, state };
}

const windows = (perMinute: number, perHour: number, perDay: number): LimitWindow[] => [
  { name: 'minute', windowMs: 60_000, limit: perMinute },
  { name: 'hour', windowMs: 3_600_000, limit: perHour },
  { name: 'day', windowMs: 86_400_000, limit: perDay },
];

/** Spent weight per fixed window start, as the API counts it. */
function perWindow(log: readonly { at: number; weight: number }[], windowMs: number): Map<number, number> {
  const totals = new Map<number, number>();
  for (const { at, weight } of log) totals.set(Math.floor(at / windowMs), (totals.get(Math.floor(at / windowMs)) ?? 0) + weight);
  return totals;
}

/**
 * Spent weight per fixed window start, each call counted in every window the API could put it in with up to
 * `skewMs` between its clock and ours: the worst the API can see.
 */
function perWindowSkewed(log: readonly { at: number; weight: number }[], windowMs: number, skewMs: number): Map<number, number> {
  const totals = new Map<number, number>();
  for (const { at, weight } of log) {
    for (let w = Math.floor((at - skewMs) / windowMs); w <= Math.floor((at + skewMs) / windowMs); w++) totals.set(w, (totals.get(w) ?? 0) + weight);
  }
  return totals;
}

/** `instances` gates on one store, each with `callers` callers that call as fast as admitted. */
async function drive(options: { instances: number; callers: number; calls: number; limits: LimitWindow[]; weight: (i: number) => number; down?: (now: number) => boolean }) {
  const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
  const { store, state } = memoryStore(() => options.down?.(time.now()) ?? false);
  const gates: SharedQuotaGate[] = Array.from({ length: options.instances }, () =>
    createSharedQuotaGate({ windows: options.limits, store, instances: options.instances, clock: time.clock, maxWaitMs: 10 * 86_400_000 }),
  );
  const log: { at: number; weight: number; instance: number }[] = [];
  let issued = 0;
  const workers = gates.flatMap((gate, instance) =>
    Array.from({ length: options.callers }, async () => {
      while (issued < options.calls) {
        const weight = options.weight(issued++);
        const { admittedAt } = await gate.acquire(weight);
        log.push({ at: admittedAt, weight, instance });
      }
    }),
  );
  let finished = 0;
  for (const worker of workers) void worker.then(() => finished++);
  await time.run(() => finished === workers.length);
  return { log, state, gates, time };
}

describe('createSharedQuotaGate', () => {
  it.each([
    ['the minute binds', windows(60, 5_000, 10_000)],
    ['the hour and the day bind too', windows(60, 300, 500)],
  ])('keeps every minute, hour and day within the limit across instances (%s)', async (_label, limits) => {
    const { log } = await drive({ instances: 6, callers: 4, calls: 600, limits, weight: (i) => [1, 1, 1.73, 2.61][i % 4]! });
    for (const window of limits) {
      const spent = perWindow(log, window.windowMs);
      for (const total of spent.values()) expect(total).toBeLessThanOrEqual(window.limit + 1e-9);
      // Calls near a boundary were charged to both windows: within the limit whichever side the API counts them on.
      for (const total of perWindowSkewed(log, window.windowMs, 1_000).values()) expect(total).toBeLessThanOrEqual(window.limit + 1e-9);
      // Where a longer window binds, it is spent but for what each instance holds short of one more call.
      if (window.limit <= 500) expect(Math.max(...spent.values())).toBeGreaterThan(window.limit - 6 * 2.61);
    }
  });

  it('spends at least 90 % of each full minute with six instances competing, in few claims', async () => {
    const limits = windows(600, 50_000, 100_000);
    const { log, state } = await drive({ instances: 6, callers: 16, calls: 4_000, limits, weight: (i) => [1, 1, 1.73, 2.61][i % 4]! });
    // Full minutes (not the first, partial one; not the last, when the work ran out) are ≥ 90 % spent.
    const minutes = [...perWindow(log, 60_000)].sort(([a], [b]) => a - b).slice(1, -1);
    expect(minutes.length).toBeGreaterThan(5);
    for (const [, spent] of minutes) expect(spent).toBeGreaterThanOrEqual(0.9 * 600);
    // Slices, not a store round trip per call.
    expect(state.claims).toBeLessThan(log.length / 5);
  });

  it('waits in-process for the next minute when this minute is spent', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
    const { store } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(4, 100, 1_000), store, instances: 1, clock: time.clock });
    const admitted: number[] = [];
    const done = Promise.all(Array.from({ length: 6 }, () => gate.acquire(1).then((a) => admitted.push(a.admittedAt))));
    await time.run(() => admitted.length === 6);
    await done;
    const minuteStart = Date.parse('2025-03-04T09:31:00Z');
    expect(admitted.slice(0, 4).every((t) => t < minuteStart)).toBe(true);
    // The next minute's calls wait for the guard band after the boundary as well.
    expect(admitted.slice(4)).toEqual([minuteStart + 1_000, minuteStart + 1_000]);
  });

  it('hands a long wait (the hour spent) back as a QuotaWaitError naming the window', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
    const { store } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(10, 3, 1_000), store, instances: 1, clock: time.clock });
    for (let i = 0; i < 3; i++) await gate.acquire(1);
    const refused = gate.acquire(1).catch((error: unknown) => error);
    let result: unknown;
    void refused.then((r) => (result = r));
    await time.run(() => result !== undefined);
    expect(result).toBeInstanceOf(QuotaWaitError);
    expect(result).toMatchObject({ window: 'hour', retryAfterMs: Date.parse('2025-03-04T10:00:00Z') - Date.parse('2025-03-04T09:30:10Z') });
    // Nothing was spent for it, and the gate still admits once the hour is over.
    await expect(gate.acquire(1).catch((e: unknown) => e)).resolves.toBeInstanceOf(QuotaWaitError);
  });

  it('falls back to limit / instances per window while the store is unreachable, so the instances together stay within the limit', async () => {
    const limits = windows(60, 500, 1_000);
    const from = Date.parse('2025-03-04T09:31:00Z');
    const to = Date.parse('2025-03-04T09:34:00Z');
    const { log, gates } = await drive({ instances: 6, callers: 2, calls: 600, limits, weight: () => 1, down: (now) => now >= from && now < to });
    const outage = log.filter((e) => e.at >= from + 1_000 && e.at < to);
    // Slowed to the shares: each instance at most 10 a minute, and the outage minutes well below the full 60.
    for (const [minute, spent] of perWindow(outage, 60_000)) {
      expect(spent, `minute ${minute}`).toBeLessThanOrEqual(60);
      for (let instance = 0; instance < 6; instance++) {
        expect(outage.filter((e) => e.instance === instance && Math.floor(e.at / 60_000) === minute).length).toBeLessThanOrEqual(10);
      }
    }
    expect(outage.length).toBeGreaterThan(0);
    expect(gates.reduce((sum, g) => sum + g.stats().fallbackCalls, 0)).toBeGreaterThan(0);
    expect(gates.every((g) => g.stats().storeErrors > 0)).toBe(true);
  });

  it('reports weight spent on the fallback share once the store is back, so others cannot claim it again', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store, instances: 10, clock: time.clock, storeRetryMs: 5_000 });
    state.down = true;
    for (let i = 0; i < 6; i++) await gate.acquire(1); // the fallback share: 60 / 10
    state.down = false;
    let admitted = 0;
    void gate.acquire(1).then(() => admitted++);
    await time.run(() => admitted === 1);
    const row = state.rows.get(windowRowKey({ name: 'minute', windowMs: 60_000, limit: 60 }, windowStartOf({ name: 'minute', windowMs: 60_000, limit: 60 }, time.now())));
    // The six fallback calls are counted in the shared minute along with the new slice.
    expect(row!.claimed).toBeGreaterThanOrEqual(7);
  });

  it('stops spending a window the API says is full, and no other instance claims more of it', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
    const { store, state } = memoryStore();
    const limits = windows(60, 500, 1_000);
    const [a, b] = [0, 1].map(() => createSharedQuotaGate({ windows: limits, store, instances: 2, clock: time.clock }));
    await a!.acquire(1);
    await b!.acquire(1);
    await a!.exceeded('minute');
    expect(state.exhausts).toBe(1);
    const admitted: number[] = [];
    void a!.acquire(1).then((r) => admitted.push(r.admittedAt));
    // b may spend what it already holds (claimed before the 429), then waits like a.
    const held = 2 - 1; // b's first slice was twice the need, and one call spent it
    for (let i = 0; i < held; i++) void b!.acquire(1).then((r) => admitted.push(r.admittedAt));
    void b!.acquire(1).then((r) => admitted.push(r.admittedAt));
    await time.run(() => admitted.length === held + 2);
    const nextMinute = Date.parse('2025-03-04T09:31:00Z');
    expect(admitted.filter((t) => t < nextMinute)).toHaveLength(held);
    expect(admitted.filter((t) => t >= nextMinute)).toHaveLength(2);
  });

  it('rejects a weight that can never fit without blocking the callers behind it', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:10Z'));
    const gate = createSharedQuotaGate({ windows: windows(5, 100, 1_000), store: memoryStore().store, instances: 1, clock: time.clock });
    await expect(gate.acquire(6)).rejects.toThrow(/can never fit the minute limit of 5/);
    await expect(gate.acquire(0)).rejects.toThrow(RangeError);
    await expect(gate.acquire(5)).resolves.toMatchObject({ waitedMs: 0 });
  });
});

describe('createSharedQuotaGate, its reports', () => {
  const start = Date.parse('2025-03-04T09:30:10Z');

  it('says which weight it refuses', async () => {
    const gate = createSharedQuotaGate({ windows: windows(5, 100, 1_000), store: memoryStore().store, instances: 1, clock: virtualTime(start).clock });
    await expect(gate.acquire(0)).rejects.toThrow(new RangeError('weight must be a positive number, got 0'));
  });

  it('counts one store claim for a first call, and none for a call its slice already covers', async () => {
    const time = virtualTime(start);
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(100, 1_000, 10_000), store, instances: 1, clock: time.clock });
    await gate.acquire(1);
    expect(gate.stats()).toMatchObject({ claims: 1, storeErrors: 0 });
    await gate.acquire(1);
    expect(gate.stats().claims).toBe(1);
    expect(state.claims).toBe(1);
  });

  it('ignores a report of a window it does not know, and counts a store error when it cannot record an exceeded one', async () => {
    const time = virtualTime(start);
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(5, 100, 1_000), store, instances: 1, clock: time.clock });
    await gate.exceeded('week');
    expect(state.exhausts).toBe(0);
    state.down = true;
    await gate.exceeded('minute');
    expect(gate.stats()).toMatchObject({ storeErrors: 1, lastStoreError: 'ECONNREFUSED' });
  });

  it('says in its QuotaWaitError which window is spent and for how many seconds the call would wait', async () => {
    const time = virtualTime(start);
    const gate = createSharedQuotaGate({ windows: windows(10, 3, 1_000), store: memoryStore().store, instances: 1, clock: time.clock });
    for (let i = 0; i < 3; i++) await gate.acquire(1);
    await expect(gate.acquire(1)).rejects.toThrow('the shared hour quota is spent; the call would wait 1790 s');
  });
});

describe('createSharedQuotaGate, decision by decision', () => {
  const at = (iso: string) => Date.parse(`2025-03-04T${iso}Z`);

  /** Runs one call to its end in virtual time: what it was admitted at, or what it was refused with. */
  async function settleCall(time: ReturnType<typeof virtualTime>, call: Promise<{ admittedAt: number }>): Promise<{ admittedAt?: number; error?: unknown }> {
    let outcome: { admittedAt?: number; error?: unknown } | undefined;
    void call.then((r) => (outcome = { admittedAt: r.admittedAt }), (error: unknown) => (outcome = { error }));
    await time.run(() => outcome !== undefined);
    return outcome!;
  }

  /** The memory store, each claim taking `ms` of virtual time (a slow round trip). */
  function slowStore(time: ReturnType<typeof virtualTime>, ms: number) {
    const { store, state } = memoryStore();
    const slow: QuotaStore = { ...store, claim: async (claims) => (await time.clock.sleep(ms), store.claim(claims)) };
    return { store: slow, state };
  }

  it('does not ask the store while the slice still holds the weight, within the rounding tolerance', async () => {
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(100, 1_000, 10_000), store, instances: 1, clock: virtualTime(at('09:30:10')).clock });
    await gate.acquire(1); // a first slice of 2
    await gate.acquire(1); // exactly what is left
    expect(state.claims).toBe(1);
    await gate.acquire(EPSILON); // nothing left, but within the tolerance
    expect(state.claims).toBe(1);
  });

  it('admits a call whose weight is what is left plus the rounding tolerance, without a claim', async () => {
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(100, 1_000, 10_000), store, instances: 1, clock: virtualTime(at('09:30:10')).clock });
    await gate.acquire(1);
    await expect(gate.acquire(1 + EPSILON)).resolves.toMatchObject({ waitedMs: 0 });
    expect(state.claims).toBe(1);
  });

  it('claims only the windows that lack, and only what the call still lacks beyond the slice left', async () => {
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(100, 1_000, 10_000), store, instances: 1, clock: virtualTime(at('09:30:10')).clock });
    await gate.acquire(1); // minute slice 2, hour and day slices far larger
    await gate.acquire(1.5); // 1 left in the minute: lacks 0.5 there, nothing in the hour or the day
    expect(state.sent).toHaveLength(2);
    expect(state.sent[1]!.map((c) => ({ window: c.window.name, need: c.need, want: c.want, owed: c.owed }))).toEqual([{ window: 'minute', need: 0.5, want: 4, owed: 0 }]);
  });

  it('starts the next window from half its last slice, kept when a later claim found the window full', async () => {
    const time = virtualTime(at('09:30:10'));
    const { store, state } = memoryStore();
    const limits = windows(160, 100_000, 1_000_000);
    const gate = createSharedQuotaGate({ windows: limits, store, instances: 1, clock: time.clock });
    for (let i = 0; i < 6; i++) await gate.acquire(1); // minute slices of 2, then 4
    expect(state.sent.at(-1)!.map((c) => [c.window.name, c.want])).toEqual([['minute', 4]]);
    await store.exhaust(limits[0]!, at('09:30:00')); // another instance heard a 429
    const outcome = await settleCall(time, gate.acquire(1)); // its claim is refused (granted 0): the minute is full
    expect(outcome.admittedAt).toBe(at('09:31:01'));
    // The next minute's first claim wants the last slice (4), halved at the boundary and doubled by the slow start.
    expect(state.sent.at(-1)!.map((c) => [c.window.name, c.want])).toEqual([['minute', 4]]);
  });

  it('does not try the store again before the retry time, and waits for it on the fallback share', async () => {
    const time = virtualTime(at('09:30:10'));
    const { store, state } = memoryStore(() => time.now() < at('09:30:15'));
    const limits = windows(60, 500, 1_000);
    const gate = createSharedQuotaGate({ windows: limits, store, instances: 10, clock: time.clock, storeRetryMs: 5_000 });
    for (let i = 0; i < 6; i++) await gate.acquire(1); // the fallback share: 60 / 10
    expect(gate.stats()).toMatchObject({ storeErrors: 1, fallbackCalls: 6 });
    const outcome = await settleCall(time, gate.acquire(1));
    expect(outcome.admittedAt).toBe(at('09:30:15'));
    expect(gate.stats().storeErrors).toBe(1);
    // The minute lacked; the hour and the day did not, yet their fallback calls are reported with it.
    for (const window of limits) expect(state.rows.get(windowRowKey(window, windowStartOf(window, time.now())))!.claimed, window.name).toBeGreaterThanOrEqual(7);
  });

  it('admits a call on the fallback share at once after a failed claim, even with no retry delay, and reports nothing while the share holds', async () => {
    const time = virtualTime(at('09:30:10'));
    let failures = 1;
    const { store, state } = memoryStore(() => failures-- > 0);
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store, instances: 10, clock: time.clock, storeRetryMs: 0 });
    await gate.acquire(1);
    expect(gate.stats()).toMatchObject({ storeErrors: 1, claims: 0, fallbackCalls: 1 });
    // Only owed weight to report and nothing lacking: no round trip for it.
    await gate.acquire(1);
    expect(gate.stats()).toMatchObject({ storeErrors: 1, claims: 0, fallbackCalls: 2 });
    expect(state.claims).toBe(0);
  });

  it('counts a call as a fallback call when any of its windows is on the fallback share, and not otherwise', async () => {
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(100, 1_000, 10_000), store, instances: 1, clock: virtualTime(at('09:30:10')).clock });
    await gate.acquire(1);
    await gate.acquire(1);
    expect(gate.stats().fallbackCalls).toBe(0);
    state.down = true;
    await gate.acquire(1); // the minute slice is spent: its claim fails, the hour and day slices still hold
    expect(gate.stats()).toMatchObject({ fallbackCalls: 1, storeErrors: 1 });
  });

  it('names the window that frees last when several are full, whatever their order', async () => {
    for (const limits of [windows(60, 500, 1_000), windows(60, 500, 1_000).reverse()]) {
      const time = virtualTime(at('09:30:10'));
      const gate = createSharedQuotaGate({ windows: limits, store: memoryStore().store, instances: 1, clock: time.clock });
      await gate.exceeded('minute');
      await gate.exceeded('hour');
      const { error } = await settleCall(time, gate.acquire(1));
      expect(error).toBeInstanceOf(QuotaWaitError);
      expect(error).toMatchObject({ window: 'hour', retryAfterMs: at('10:00:00') - at('09:30:10') });
    }
  });

  it('names the first of the windows that free at the same moment', async () => {
    const time = virtualTime(at('09:59:30'));
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store: memoryStore().store, instances: 1, clock: time.clock, maxWaitMs: 10_000 });
    await gate.exceeded('minute');
    await gate.exceeded('hour');
    const { error } = await settleCall(time, gate.acquire(1));
    expect(error).toMatchObject({ window: 'minute', retryAfterMs: 30_000 });
  });

  it('admits a weight of exactly the limit plus the rounding tolerance', async () => {
    const gate = createSharedQuotaGate({ windows: windows(5, 100, 1_000), store: memoryStore().store, instances: 1, clock: virtualTime(at('09:30:10')).clock });
    await expect(gate.acquire(5 + EPSILON)).resolves.toMatchObject({ waitedMs: 0 });
  });

  it('lets a call go within a second of a boundary when both minutes have room, charged to both', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:59.500Z'));
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(600, 5_000, 10_000), store, instances: 1, clock: time.clock });
    await expect(gate.acquire(1)).resolves.toMatchObject({ waitedMs: 0, admittedAt: Date.parse('2025-03-04T09:30:59.500Z') });
    const minutes = state.sent.flat().filter((c) => c.window.name === 'minute').map((c) => new Date(c.start).toISOString().slice(11, 16));
    expect(minutes).toEqual(['09:30', '09:31']);
  });

  it('waits out the guard band when the next minute has no room for the call', async () => {
    const time = virtualTime(Date.parse('2025-03-04T09:30:59.500Z'));
    const { store } = memoryStore();
    const full = createSharedQuotaGate({ windows: windows(4, 100, 1_000), store, instances: 1, clock: time.clock });
    // Another instance spends 09:31 in advance through the store (its own calls near the boundary).
    await store.claim([{ window: windows(4, 100, 1_000)[0]!, start: Date.parse('2025-03-04T09:31:00Z'), need: 4, want: 4, owed: 0 }]);
    const { admittedAt } = await settleCall(time, full.acquire(1));
    expect(admittedAt).toBe(Date.parse('2025-03-04T09:32:01Z'));
  });

  it('claims the next minute too when a slow claim ends within the guard band of a boundary, then goes at once', async () => {
    const time = virtualTime(at('09:30:58.500'));
    const { store, state } = slowStore(time, 1_000);
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store, instances: 1, clock: time.clock });
    const outcome = await settleCall(time, gate.acquire(1));
    // 09:30:59.5 is within the guard: the API may count the call in 09:30 or 09:31, so 09:31 is claimed as well
    // (09:30's slice still holds it), and the call goes at 09:31:00.5, charged to both.
    expect(outcome.admittedAt).toBe(at('09:31:00.500'));
    expect(state.sent.map((claims) => claims.filter((c) => c.window.name === 'minute').map((c) => new Date(c.start).toISOString().slice(11, 16)))).toEqual([['09:30'], ['09:31']]);
  });

  it('claims again at once, without sleeping, when a claim ran past a boundary and the new window has no slice yet', async () => {
    const time = virtualTime(at('09:30:59.500'));
    const sleeps: number[] = [];
    const clock: GateClock = { now: time.clock.now, sleep: (ms) => (sleeps.push(ms), time.clock.sleep(ms)) };
    const { store, state } = slowStore(time, 1_000);
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store, instances: 1, clock, guardMs: 0 });
    const outcome = await settleCall(time, gate.acquire(1));
    expect(outcome.admittedAt).toBe(at('09:31:01.500'));
    expect(state.claims).toBe(2);
    expect(sleeps).toEqual([]);
  });

  it('waits a wait that ends exactly at maxWaitMs from arrival instead of handing it back', async () => {
    const time = virtualTime(at('09:30:10'));
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store: memoryStore().store, instances: 1, clock: time.clock, maxWaitMs: 50_000 });
    await gate.exceeded('minute');
    const outcome = await settleCall(time, gate.acquire(1));
    expect(outcome.error).toBeUndefined();
    expect(outcome.admittedAt).toBe(at('09:31:01'));
  });

  it('stops spending a window it was told is full even when the store could not record it', async () => {
    const time = virtualTime(at('09:30:10'));
    const { store, state } = memoryStore();
    const gate = createSharedQuotaGate({ windows: windows(60, 500, 1_000), store, instances: 1, clock: time.clock });
    await gate.acquire(1);
    state.down = true;
    await gate.exceeded('minute');
    state.down = false;
    const claims = state.claims;
    const outcome = await settleCall(time, gate.acquire(1));
    expect(outcome.admittedAt).toBe(at('09:31:01'));
    // Nothing asked of the store for the full minute; the next minute's slice is claimed once it starts.
    expect(state.claims).toBe(claims + 1);
  });
});

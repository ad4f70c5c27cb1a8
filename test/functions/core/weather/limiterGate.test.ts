import { describe, expect, it } from 'vitest';
import { createLimiterGate, realClock, type GateClock } from '../../../../functions/core/weather/limiterGate.ts';

/** A virtual clock: sleeping advances time instantly, so the test is exact and fast. */
function virtualClock(): GateClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('createLimiterGate', () => {
  it('admits callers in arrival order, sleeping only as long as the limiter says', async () => {
    const clock = virtualClock();
    const gate = createLimiterGate([{ name: 'second', windowMs: 1_000, limit: 3 }], clock);
    const admitted: number[] = [];
    const instants = await Promise.all([1, 1, 1, 2, 1].map((weight, i) => gate.acquire(weight).then((a) => (admitted.push(i), a.admittedAt))));
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    expect(instants).toEqual([0, 0, 0, 1_000, 1_000]);
    // Three at t=0; the weight-2 one waits until they leave the window (t=1000); the last fits beside it at once.
    expect(clock.sleeps).toEqual([1_000]);
    expect(clock.now()).toBe(1_000);
  });

  it('rejects a weight that can never fit without blocking the callers behind it', async () => {
    const gate = createLimiterGate([{ name: 'second', windowMs: 1_000, limit: 3 }], virtualClock());
    await expect(gate.acquire(4)).rejects.toThrow(RangeError);
    await expect(gate.acquire(1)).resolves.toMatchObject({ waitedMs: 0 });
  });

  it('reports the wait from the moment the caller got its turn, on a clock that does not start at 0', async () => {
    const clock = virtualClock();
    await clock.sleep(5_000);
    const gate = createLimiterGate([{ name: 'second', windowMs: 1_000, limit: 1 }], clock);
    expect(await gate.acquire(1)).toEqual({ waitedMs: 0, admittedAt: 5_000 });
    expect(await gate.acquire(1)).toEqual({ waitedMs: 1_000, admittedAt: 6_000 });
  });
});

describe('realClock', () => {
  it('sleeps on a timer, so timers due earlier run first and the wait is real', async () => {
    let earlierTimerRan = false;
    setTimeout(() => (earlierTimerRan = true), 0);
    const before = performance.now();
    await realClock.sleep(20);
    expect(earlierTimerRan).toBe(true);
    // setTimeout never fires early by more than its millisecond rounding.
    expect(performance.now() - before).toBeGreaterThanOrEqual(19);
  });

  it('reads the wall clock', () => {
    const before = Date.now();
    const now = realClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

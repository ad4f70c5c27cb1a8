import { describe, expect, it } from 'vitest';
import {
  countedIn,
  planClaim,
  planClaims,
  planExhaust,
  sliceCap,
  sliceWant,
  windowOf429,
  windowRowKey,
  windowStartOf,
  type WindowClaim,
  type WindowState,
} from '../../../../functions/core/weather/quotaWindows.ts';
import { limitWindows } from '../../../../functions/core/weather/rateLimiter.ts';

const [minute, hour, day] = limitWindows({ perMinute: 600, perHour: 5_000, perDay: 10_000 }) as [
  ReturnType<typeof limitWindows>[number],
  ReturnType<typeof limitWindows>[number],
  ReturnType<typeof limitWindows>[number],
];
const at = (iso: string) => Date.parse(iso);
const START = at('2025-03-04T09:30:00Z');
const claim = (overrides: Partial<WindowClaim> = {}): WindowClaim => ({ window: minute, start: START, need: 1, want: 8, owed: 0, ...overrides });
const state = (overrides: Partial<WindowState> = {}): WindowState => ({ windowStart: START, claimed: 0, allowance: 600, claims: 0, ...overrides });

describe('windowStartOf', () => {
  it.each([
    ['minute', minute, '2025-03-04T09:30:59.999Z', '2025-03-04T09:30:00.000Z'],
    ['hour', hour, '2025-03-04T09:59:00.000Z', '2025-03-04T09:00:00.000Z'],
    ['day', day, '2025-03-04T23:59:59.999Z', '2025-03-04T00:00:00.000Z'],
  ])('starts the %s window on the UTC boundary', (_name, window, now, start) => {
    expect(new Date(windowStartOf(window, at(now))).toISOString()).toBe(start);
  });
});

describe('windowRowKey', () => {
  it('keys a window by its name and start time of day, so the same slot is reused a day later', () => {
    expect(windowRowKey(minute, START)).toBe('minute|09:30:00');
    expect(windowRowKey(minute, START + 86_400_000)).toBe('minute|09:30:00');
    expect(windowRowKey(hour, at('2025-03-04T09:00:00Z'))).toBe('hour|09:00:00');
    expect(windowRowKey(day, at('2025-03-04T00:00:00Z'))).toBe('day|00:00:00');
  });
});

describe('countedIn', () => {
  const MIN = 60_000;
  it.each([
    ['in the middle of a minute', '2025-03-04T09:30:30.000Z', [0]],
    ['just after a boundary', '2025-03-04T09:30:00.250Z', [-1, 0]],
    ['just before a boundary', '2025-03-04T09:30:59.400Z', [0, 1]],
    ['exactly on a boundary', '2025-03-04T09:31:00.000Z', [-1, 0]],
    ['just outside the guard after a boundary', '2025-03-04T09:30:01.000Z', [0]],
    ['exactly the guard before a boundary', '2025-03-04T09:30:59.000Z', [0, 1]],
    ['just outside the guard before a boundary', '2025-03-04T09:30:58.999Z', [0]],
  ])('counts a call %s in the minute it falls in and, within the guard, its neighbour', (_label, now, minutes) => {
    const start = windowStartOf(minute, at(now));
    expect(countedIn(minute, at(now), 1_000)).toEqual(minutes.map((m) => start + m * MIN));
  });

  it('looks at each window on its own: 09:30:59.5 is near the end of the minute, not of the hour', () => {
    expect(countedIn(hour, at('2025-03-04T09:30:59.500Z'), 1_000)).toEqual([at('2025-03-04T09:00:00Z')]);
    expect(countedIn(hour, at('2025-03-04T09:59:59.500Z'), 1_000)).toEqual([at('2025-03-04T09:00:00Z'), at('2025-03-04T10:00:00Z')]);
  });
});

describe('sliceWant', () => {
  it('doubles from an eighth of the cap up to the cap, never below the need', () => {
    const cap = sliceCap(minute);
    expect(cap).toBe(37.5);
    expect(sliceCap(hour)).toBe(312.5);
    const wants: number[] = [];
    let last = 0;
    for (let i = 0; i < 5; i++) wants.push((last = sliceWant(1, last, cap)));
    expect(wants).toEqual([4.6875, 9.375, 18.75, 37.5, 37.5]);
    expect(sliceWant(3, 0, 16)).toBe(6); // twice the need when that is more than an eighth of the cap
    expect(sliceWant(50, 37.5, cap)).toBe(50);
  });
});

describe('planClaim', () => {
  it('creates the window on its first claim and grants the wanted slice', () => {
    expect(planClaim(undefined, claim())).toEqual({ outcome: 'granted', granted: 8, next: state({ claimed: 8, claims: 1 }) });
  });

  it('adds to the claims of the same window', () => {
    expect(planClaim(state({ claimed: 100, claims: 5 }), claim())).toEqual({ outcome: 'granted', granted: 8, next: state({ claimed: 108, claims: 6 }) });
  });

  it('starts afresh in a slot last used by an earlier window', () => {
    const yesterday = state({ windowStart: START - 86_400_000, claimed: 600, allowance: 0, claims: 40 });
    expect(planClaim(yesterday, claim())).toEqual({ outcome: 'granted', granted: 8, next: state({ claimed: 8, claims: 1 }) });
  });

  it('refuses to claim a window the store has already moved past (this clock is behind)', () => {
    expect(planClaim(state({ windowStart: START + 60_000 }), claim())).toEqual({ outcome: 'ahead' });
  });

  it('takes at most a quarter of what is free, but always the need', () => {
    expect(planClaim(state({ claimed: 580 }), claim({ want: 16 }))).toMatchObject({ outcome: 'granted', granted: 5 });
    expect(planClaim(state({ claimed: 597 }), claim({ need: 2.61, want: 16 }))).toMatchObject({ outcome: 'granted', granted: 2.61 });
  });

  it('grants a need above what is free by no more than the rounding tolerance (1e-9), all that is free', () => {
    const need = 0.5 + 1e-9;
    expect(planClaim(state({ claimed: 599.5 }), claim({ need, want: need }))).toMatchObject({ outcome: 'granted', granted: 0.5 });
    expect(planClaim(state({ claimed: 599.5 }), claim({ need: 0.5 + 2e-9, want: 1 }))).toMatchObject({ outcome: 'exhausted' });
  });

  it('says exhausted when less than the need is free, and grants nothing', () => {
    expect(planClaim(state({ claimed: 599.5 }), claim())).toEqual({ outcome: 'exhausted', next: undefined });
  });

  it('records owed weight even past the allowance, since it was spent', () => {
    expect(planClaim(state({ claimed: 598 }), claim({ owed: 6, need: 1 }))).toEqual({ outcome: 'exhausted', next: state({ claimed: 604, claims: 1 }) });
    expect(planClaim(state({ claimed: 100 }), claim({ owed: 6, need: 0, want: 0 }))).toEqual({ outcome: 'granted', granted: 0, next: state({ claimed: 106, claims: 1 }) });
  });

  it('never grants past a shrunk allowance, nor past a lower limit than the stored one', () => {
    expect(planClaim(state({ claimed: 200, allowance: 200 }), claim())).toMatchObject({ outcome: 'exhausted' });
    expect(planClaim(state({ claimed: 50, allowance: 600 }), claim({ window: { ...minute, limit: 50 } }))).toMatchObject({ outcome: 'exhausted' });
  });
});

describe('planClaims', () => {
  it('grants every window of a call together', () => {
    const { writes, results } = planClaims([undefined, undefined], [claim(), claim({ window: hour, start: at('2025-03-04T09:00:00Z') })]);
    expect(results).toEqual([{ granted: 8, exhausted: false }, { granted: 8, exhausted: false }]);
    expect(writes.map((w) => w?.claimed)).toEqual([8, 8]);
  });

  it('grants nothing when one window is short, so no slice is held for a call that cannot go', () => {
    const hourStart = at('2025-03-04T09:00:00Z');
    const { writes, results } = planClaims([undefined, state({ windowStart: hourStart, claimed: 5_000, allowance: 5_000 })], [claim(), claim({ window: hour, start: hourStart })]);
    expect(results).toEqual([{ granted: 0, exhausted: false }, { granted: 0, exhausted: true }]);
    expect(writes).toEqual([undefined, undefined]);
  });

  it('still records owed weight when one window is short', () => {
    const hourStart = at('2025-03-04T09:00:00Z');
    const { writes } = planClaims([state({ claimed: 10 }), state({ windowStart: hourStart, claimed: 5_000, allowance: 5_000 })], [claim({ owed: 3 }), claim({ window: hour, start: hourStart, owed: 3 })]);
    expect(writes.map((w) => w?.claimed)).toEqual([13, 5_003]);
  });
});

describe('planExhaust', () => {
  it('shrinks the allowance to what is already claimed', () => {
    expect(planExhaust(state({ claimed: 420 }), minute, START)).toEqual(state({ claimed: 420, allowance: 420 }));
  });

  it('closes a window nobody has claimed yet', () => {
    expect(planExhaust(undefined, minute, START)).toEqual(state({ allowance: 0 }));
  });

  it('writes nothing when the window is already closed or has moved on', () => {
    expect(planExhaust(state({ claimed: 420, allowance: 420 }), minute, START)).toBeUndefined();
    expect(planExhaust(state({ windowStart: START + 60_000 }), minute, START)).toBeUndefined();
  });
});

describe('windowOf429', () => {
  it.each([
    ['Minutely API request limit exceeded. Please try again in one minute.', 'minute'],
    ['Hourly API request limit exceeded. Please try again in the next hour.', 'hour'],
    ['Daily API request limit exceeded. Please try again tomorrow.', 'day'],
    ['Too many concurrent requests', undefined],
  ])('reads the window from "%s"', (reason, window) => {
    expect(windowOf429(reason)).toBe(window);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleSink, InvocationTracker, triggerIds } from '../../../local/host/invocations.ts';

describe('triggerIds', () => {
  it.each([
    ['a fetch job', { id: 'm-1', dequeueCount: 2 }, { v: 1, runId: 'file-abc', cityId: 'rolla-mo-usa', start: '2023-01-01', end: '2023-01-31' }, 'message=m-1 dequeueCount=2 run=file-abc city=rolla-mo-usa 2023-01-01..2023-01-31'],
    ['a BlobCreated event', { id: 'm-2', dequeueCount: 1 }, [{ subject: '/blobServices/default/containers/cities/blobs/us.jsonl' }], 'message=m-2 dequeueCount=1 blob=cities/us.jsonl'],
    ['an event batch', { partitionContext: { partitionId: '3' }, sequenceNumberArray: [10, 11, 12] }, undefined, 'partition=3 events=3 sequence=10..12'],
    ['an HTTP request, route values only', { params: { id: 'file-x' }, query: { code: 'secret', city: 'x' } }, undefined, 'id=file-x'],
    ['nothing known', undefined, 'text', ''],
  ])('names %s', (_what, metadata, input, expected) => {
    expect(triggerIds(metadata as Record<string, unknown> | undefined, input)).toBe(expected);
  });
});

describe('InvocationTracker', () => {
  it('ends each invocation with one line: function, outcome, id, duration, ids, and the error of a failure', async () => {
    const lines: { level: string; line: string; kind?: string }[] = [];
    const tracker = new InvocationTracker((level, line, kind) => void lines.push({ level, line, ...(kind ? { kind } : {}) }), (line) => line.replace('s3cret', '<redacted>'));
    const context = tracker.context('fetchCityWeather', { id: 'm-1', dequeueCount: 1 });
    await tracker.invoke('fetchCityWeather', context, async () => undefined, { runId: 'file-abc', cityId: 'x', start: '2023-01-01', end: '2023-01-02' });
    const failing = tracker.context('getRun', { params: { id: 'file-y' } });
    const outcome = await tracker.invoke('getRun', failing, () => Promise.reject(new Error('no table for s3cret')));
    expect(outcome.ok).toBe(false);
    expect(lines).toEqual([
      { level: 'information', kind: 'invocation', line: expect.stringMatching(new RegExp(`^\\[fetchCityWeather:${context.invocationId.slice(0, 8)}\\] Executed 'fetchCityWeather' \\(Succeeded, Id=${context.invocationId}, Duration=\\d+ms\\) message=m-1 dequeueCount=1 run=file-abc city=x 2023-01-01\\.\\.2023-01-02$`)) },
      { level: 'error', kind: 'invocation', line: expect.stringMatching(/^\[getRun:[0-9a-f]{8}\] Executed 'getRun' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\) id=file-y: no table for <redacted>$/) },
    ]);
    expect(tracker.stats()).toEqual({ fetchCityWeather: { started: 1, succeeded: 1, failed: 0 }, getRun: { started: 1, succeeded: 0, failed: 1 } });
  });
});

describe('consoleSink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stamps every line with UTC time and shows what the mode asks for', () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    for (const mode of ['quiet', 'invocations', 'all'] as const) {
      const sink = consoleSink(mode);
      sink('information', `${mode}: function line`);
      sink('information', `${mode}: invocation line`, 'invocation');
      sink('warning', `${mode}: warning \u001b[2J`);
    }
    expect(out.map((l) => l.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /, ''))).toEqual(['invocations: invocation line', 'all: function line', 'all: invocation line']);
    expect(err.map((l) => l.replace(/^\S+ /, ''))).toEqual(['quiet: warning \\x1b[2J', 'invocations: warning \\x1b[2J', 'all: warning \\x1b[2J']);
    expect([...out, ...err].every((l) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /.test(l))).toBe(true);
  });
});

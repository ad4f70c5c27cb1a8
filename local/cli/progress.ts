// Progress while a run is under way: a redrawn bar on a TTY, a plain line every ~2 s otherwise (logs, CI).
import type { Writable } from 'node:stream';

export interface ProgressSample {
  jobsDone: number;
  /** Jobs done plus jobs still queued; grows while city files are read. */
  jobsKnown: number;
  apiCalls: number;
  eventsAggregated: number;
  eventsPending: number;
  monthRows?: number;
}

export interface Progress {
  stop(final?: string): Promise<void>;
}

const BAR_WIDTH = 24;
const n = (value: number) => value.toLocaleString('en-US');

export function describeProgress(sample: ProgressSample, elapsedMs: number): string {
  return [
    `${n(sample.jobsDone)}/${n(sample.jobsKnown)} jobs`,
    `${n(sample.apiCalls)} API calls`,
    `${n(sample.eventsAggregated)} events aggregated${sample.eventsPending > 0 ? ` (${n(sample.eventsPending)} pending)` : ''}`,
    `${(elapsedMs / 1000).toFixed(0)} s`,
  ].join(' · ');
}

export function progressBar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

export function startProgress(stream: Writable & { isTTY?: boolean }, sample: () => Promise<ProgressSample>): Progress {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let stopped = false;
  let drawing: Promise<void> = Promise.resolve();
  const draw = async () => {
    const s = await sample().catch(() => undefined);
    if (!s || stopped) return;
    const work = s.jobsKnown + s.eventsAggregated + s.eventsPending;
    const fraction = work === 0 ? 0 : (s.jobsDone + s.eventsAggregated) / work;
    const text = describeProgress(s, Date.now() - started);
    stream.write(tty ? `\r${progressBar(fraction)} ${text}\u001b[K` : `${text}\n`);
  };
  const timer = setInterval(() => {
    drawing = drawing.then(draw);
  }, tty ? 250 : 2_000);
  return {
    async stop(final) {
      clearInterval(timer);
      await drawing;
      stopped = true;
      if (tty) stream.write('\r\u001b[K');
      if (final) stream.write(`${final}\n`);
    },
  };
}

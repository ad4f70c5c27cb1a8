// Timing and memory helpers for benchmarks.
import { performance } from 'node:perf_hooks';

/** Runs each function once per round, alternating, after one warm-up round; returns each one's median ms. */
export async function interleavedMedians(rounds: number, fns: readonly (() => unknown | Promise<unknown>)[]): Promise<number[]> {
  for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) {
    for (const [index, fn] of fns.entries()) {
      const start = performance.now();
      await fn();
      samples[index]!.push(performance.now() - start);
    }
  }
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0);
}

/** Samples this process's RSS every `intervalMs` until stopped; returns the peak in MB. */
export function sampleRss(intervalMs = 100): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak / (1024 * 1024);
    },
  };
}

export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** How many runs a bench takes from its environment variable (`fallback` when unset); a whole number ≥ `min` or it throws. */
export function runsFromEnv(name: string, fallback: number, min = 1): number {
  const text = process.env[name];
  const runs = Number(text ?? fallback);
  if (!Number.isInteger(runs) || runs < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${text}`);
  return runs;
}

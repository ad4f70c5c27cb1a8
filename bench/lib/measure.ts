// Timing and memory helpers for benchmarks.
import { performance } from 'node:perf_hooks';

/** Runs `fn` `rounds` times after one warm-up and returns the median duration in ms. */
export async function medianMs(rounds: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
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

// The scale workload: 1,000 synthetic cities × 2022 (365 days, 8.76 M readings) through the whole local pipeline,
// to show how cost grows. BENCH_SCALE_CITIES=N runs N cities instead (the figures say which size ran).
// Targets (issue 12): ≤ 120 s from upload to the last aggregate; process-tree peak RSS ≤ 1.5 GiB (the app's own
// ≤ 512 MiB); readings/s ≥ 0.8× the seed's in the same run; ≤ 200 raw blob writes per million readings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorEventsPerSecond } from '../lib/localStack.ts';
import { runWorkloadInChild } from '../lib/workloadProcess.ts';
import { workloadFigures } from '../lib/workloadFigures.ts';
import { withRatio, type Bench, type Figure } from '../lib/types.ts';
import { seedResult } from './seed.ts';

const DAYS = 365;

/** Cities spread over the mid-latitudes, far enough apart to be distinct grid cells. */
function cityLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const lat = Math.round((-55 + ((i * 37) % 1100) / 10) * 1000) / 1000;
    const lng = Math.round((-179 + ((i * 263) % 3580) / 10) * 1000) / 1000;
    lines.push(JSON.stringify({ city: `Bench City ${String(i).padStart(5, '0')}`, lat, lng }));
  }
  return `${lines.join('\n')}\n`;
}

export const scaleBench: Bench = {
  name: 'scale',
  description: '1,000 synthetic cities × 365 days through the whole local pipeline (BENCH_SCALE_CITIES to change)',
  async run() {
    const cities = Number(process.env['BENCH_SCALE_CITIES'] ?? 1_000);
    if (!Number.isInteger(cities) || cities < 1) throw new Error(`BENCH_SCALE_CITIES must be a whole number ≥ 1, got ${process.env['BENCH_SCALE_CITIES']}`);
    const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    try {
      const file = join(dir, `scale-${cities}.jsonl`);
      writeFileSync(file, cityLines(cities));
      const eventHubs = await emulatorEventsPerSecond();
      // ~300 blobs/s is the floor rate here: allow three times the expected time before giving up.
      const timeoutMs = Math.max(10 * 60_000, ((cities * DAYS) / 300) * 3_000);
      const result = await runWorkloadInChild({ citiesFile: file, cities, start: '2022-01-01', end: '2022-12-31', days: DAYS, timeoutMs });
      const figures: Figure[] = workloadFigures(result, eventHubs, { seconds: 120, appMiB: 512, treeMiB: 1536, rawWritesPerMillion: 200 });
      figures[0] = { ...figures[0]!, metric: `upload → last aggregate (${cities} cities)` };
      if (seedResult) {
        figures.push(withRatio({
          metric: 'readings/s vs seed', value: result.readingsPerSecond, unit: 'readings/s', baseline: seedResult.readingsPerSecond,
          better: 'higher', target: { op: '>=', value: 0.8 }, note: 'baseline: the seed bench in this run',
        }));
      }
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

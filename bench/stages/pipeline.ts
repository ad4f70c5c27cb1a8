// `npm run pipeline` on the seed (50 cities × 242 days, recorded data, stand-in at zero latency) from spawn to exit,
// as a user runs it: the CLI starts its own services. BENCH_PIPELINE_RUNS runs (1 by default), the median shown.
// Target: 10 s. The phases say where the time went; the fixed bench gives the floor for one city.
import { fileURLToPath } from 'node:url';
import { medianCliRun } from '../lib/cliRun.ts';
import type { Bench } from '../lib/types.ts';
import { runsFromEnv } from '../lib/measure.ts';

const SEED_CITIES = fileURLToPath(new URL('../../local/data/us50-2023/cities.jsonl', import.meta.url));

export const pipelineBench: Bench = {
  name: 'pipeline',
  description: 'npm run pipeline on the seed (50 cities × 242 days, --offline): spawn → exit',
  async run() {
    const runs = runsFromEnv('BENCH_PIPELINE_RUNS', 1);
    const { median, all } = await medianCliRun(['--cities', SEED_CITIES, '--start', '2023-01-01', '--end', '2023-08-30', '--offline'], runs, 10 * 60_000);
    return [
      {
        metric: 'npm run pipeline spawn → exit', value: median.total, unit: 's', target: { op: '<=', value: 10 },
        note: runs > 1 ? `median of ${runs} (${all.map((r) => r.total.toFixed(1)).join(', ')} s)` : 'one run',
      },
      { metric: '  start-up: spawn → services started', value: median.startUp, unit: 's' },
      { metric: '  host start + upload', value: median.hostStart, unit: 's' },
      { metric: '  upload → idle', value: median.run, unit: 's' },
      { metric: '  idle → exit', value: median.finish, unit: 's' },
    ];
  },
};

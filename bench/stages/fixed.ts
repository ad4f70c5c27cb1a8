// The fixed cost of a run, measured on the smallest one: one city for two days. `npm run pipeline` from spawn to
// exit (median of BENCH_FIXED_RUNS, 3 by default), split into its phases, next to the start-up of Azurite alone
// in the same run; and upload → last aggregate on the bench's own Azurite and emulator, as the seed measures it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianCliRun } from '../lib/cliRun.ts';
import { azuriteStartSeconds } from '../lib/localStack.ts';
import { runWorkloadInChild } from '../lib/workloadProcess.ts';
import { withRatio, type Bench, type Figure } from '../lib/types.ts';
import { runsFromEnv } from '../lib/measure.ts';

/** The seed's first city: the recorded data covers it. */
const ONE_CITY = '{"city": "Peabody, MA, USA", "lat": 42.536457, "lng": -70.985786}\n';

export const fixedBench: Bench = {
  name: 'fixed',
  description: 'one city × 2 days: npm run pipeline spawn → exit, its phases, and upload → last aggregate',
  async run() {
    const runs = runsFromEnv('BENCH_FIXED_RUNS', 3);
    const dir = mkdtempSync(join(tmpdir(), 'bench-fixed-'));
    try {
      const file = join(dir, 'one-city.jsonl');
      writeFileSync(file, ONE_CITY);
      const azurite: number[] = [];
      for (let i = 0; i < runs; i++) azurite.push(await azuriteStartSeconds());
      const azuriteStart = [...azurite].sort((a, b) => a - b)[Math.floor(runs / 2)]!;
      const { median, all } = await medianCliRun(['--cities', file, '--start', '2023-01-01', '--end', '2023-01-02', '--offline'], runs, 5 * 60_000);
      const workload = await runWorkloadInChild({ citiesFile: file, cities: 1, start: '2023-01-01', end: '2023-01-02', days: 2, timeoutMs: 5 * 60_000 });
      const figures: Figure[] = [
        { metric: 'npm run pipeline spawn → exit', value: median.total, unit: 's', note: `median of ${runs} (${all.map((r) => r.total.toFixed(1)).join(', ')} s)` },
        withRatio({
          metric: '  start-up: spawn → services started', value: median.startUp, unit: 's', baseline: azuriteStart, better: 'lower',
          note: `npm, Node, loading the app while Azurite, the emulator and the stand-in start; baseline: Azurite alone, spawn → ready (median of ${runs})`,
        }),
        { metric: '  host start + upload', value: median.hostStart, unit: 's' },
        { metric: '  upload → idle', value: median.run, unit: 's' },
        { metric: '  idle → exit', value: median.finish, unit: 's', note: 'results, ledger check, stopping the host and the services' },
        { metric: 'upload → last aggregate', value: workload.seconds, unit: 's', note: 'on the bench\'s Azurite and emulator, as the seed bench measures it' },
      ];
      return figures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// The seed workload end to end on the local stack: 50 cities × 242 days (2023-01-01..2023-08-30) from the
// recorded data, the stand-in at zero latency and the API limiter raised so that neither paces the run.
// Targets (issue 12): ≤ 3 s from upload to the last aggregate written; events aggregated at ≥ 0.3× the emulator's
// own send+receive rate; ≤ 200 raw blob writes per million readings.
import { fileURLToPath } from 'node:url';
import { emulatorEventsPerSecond } from '../lib/localStack.ts';
import type { WorkloadResult } from '../lib/runWorkload.ts';
import { runWorkloadInChild } from '../lib/workloadProcess.ts';
import { workloadFigures } from '../lib/workloadFigures.ts';
import type { Bench } from '../lib/types.ts';

const SEED_CITIES = fileURLToPath(new URL('../../local/data/us50-2023/cities.jsonl', import.meta.url));

/** The seed's result in this bench run, for the scale bench's comparison. */
export let seedResult: WorkloadResult | undefined;

export const seedBench: Bench = {
  name: 'seed',
  description: '50 cities × 242 days through the whole local pipeline (stand-in at zero latency, API limiter raised)',
  async run() {
    const eventHubs = await emulatorEventsPerSecond();
    const result = await runWorkloadInChild({ citiesFile: SEED_CITIES, cities: 50, start: '2023-01-01', end: '2023-08-30', days: 242, timeoutMs: 10 * 60_000 });
    seedResult = result;
    return workloadFigures(result, eventHubs, { seconds: 3, eventsRatio: 0.3, rawWritesPerMillion: 200 });
  },
};

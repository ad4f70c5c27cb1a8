// The figures both whole-pipeline benches (seed, scale) report, each against what the machine does raw.
import { availableParallelism } from 'node:os';
import { withRatio, type Figure } from './types.ts';
import type { WorkloadResult } from './runWorkload.ts';

export interface WorkloadTargets {
  seconds?: number;
  /** events/s aggregated as a fraction of the emulator's own send+receive rate. */
  eventsRatio?: number;
  appMiB?: number;
  treeMiB?: number;
  /** Raw blob writes per million readings. */
  rawWritesPerMillion?: number;
}

export function workloadFigures(result: WorkloadResult, eventHubs: { eventsPerSecond: number; events: number }, targets: WorkloadTargets): Figure[] {
  const { memory } = result;
  const children = Object.entries(memory.children).map(([name, mib]) => `${name} ${Math.round(mib)} MiB`).join(', ');
  const at = (op: '<=' | '>=', value: number | undefined) => (value === undefined ? {} : { target: { op, value } });
  return [
    {
      metric: 'upload → last aggregate', value: result.seconds, unit: 's', ...at('<=', targets.seconds),
      note: `${result.readings.toLocaleString('en-US')} readings, ${result.apiCalls} API calls`,
    },
    { metric: 'readings/s end to end', value: result.readingsPerSecond, unit: 'readings/s' },
    {
      metric: 'raw blob writes per million readings', value: (result.rawBlobs / result.readings) * 1e6, unit: 'writes', ...at('<=', targets.rawWritesPerMillion),
      note: `${result.rawBlobs.toLocaleString('en-US')} raw blobs (one per API response) written over ${result.rawWindowSeconds.toFixed(0)} s`,
    },
    withRatio({
      metric: 'events/s aggregated', value: result.eventsPerSecond, unit: 'events/s', baseline: eventHubs.eventsPerSecond, better: 'higher', ...at('>=', targets.eventsRatio),
      note: `first API response (its fetch instant, ms) → last aggregate; baseline: emulator send+receive with the real client (${eventHubs.events.toLocaleString('en-US')} × 1 KB events)`,
    }),
    cpuFigure(result),
    ...mainThreadFigure(result),
    { metric: 'peak RSS app process', value: memory.selfMiB, unit: 'MiB', ...at('<=', targets.appMiB), note: 'function app + local host' },
    {
      metric: 'peak RSS process tree', value: memory.treeMiB, unit: 'MiB', ...at('<=', targets.treeMiB),
      note: memory.complete ? `with ${children}` : 'no /proc here: this process only',
    },
  ];
}

/**
 * How busy the machine was while events flowed: every process's CPU seconds over the window (each process's threads
 * together: the app's includes V8's GC and compiler threads), as cores. A sum near the core count is a run bound by
 * the machine; a process near one core with cores to spare, by that process's main thread.
 */
function cpuFigure(result: WorkloadResult): Figure {
  const { spanSeconds, used } = result.cpu;
  const total = Object.values(used).reduce((a, b) => a + b, 0);
  const each = Object.entries(used).map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s (${Math.round((100 * seconds) / spanSeconds)}%)`).join(', ');
  return {
    metric: 'CPU busy while events flow', value: spanSeconds > 0 ? total / spanSeconds : 0, unit: 'cores',
    note: `of ${availableParallelism()}, over the ${spanSeconds.toFixed(2)} s from the first response to the last aggregate: ${each} (% of one core)`,
  };
}

/**
 * The app's main thread per event over the same window: the thread that runs every function, the host's triggers
 * and both ends of the Event Hubs client. Its time on a CPU, and how long it was ready to run but waited for a core
 * (taken by V8's compiler and GC threads and the other processes): that wait, not the thread's own work, says
 * whether the run is bound by this thread or by the machine.
 */
function mainThreadFigure(result: WorkloadResult): Figure[] {
  const { spanSeconds, used, appMainThread: main } = result.cpu;
  if (!main || result.eventsAggregated === 0) return [];
  const perEvent = (seconds: number) => (seconds * 1e6) / result.eventsAggregated;
  const share = (seconds: number) => `${Math.round((100 * seconds) / spanSeconds)}%`;
  return [{
    metric: 'app main thread per event', value: perEvent(main.cpuSeconds), unit: 'µs',
    note: `over the ${spanSeconds.toFixed(2)} s window the main thread ran ${main.cpuSeconds.toFixed(2)} s (${share(main.cpuSeconds)}) and waited for a core ${main.waitSeconds.toFixed(2)} s (${share(main.waitSeconds)}); all the app's threads ${Math.round(perEvent(used['app'] ?? 0))} µs per event`,
  }];
}

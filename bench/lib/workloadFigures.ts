// The figures both whole-pipeline benches (seed, scale) report, each against what the machine does raw.
import { withRatio, type Figure } from './types.ts';
import type { WorkloadResult } from './runWorkload.ts';

export function workloadFigures(result: WorkloadResult, eventHubs: { eventsPerSecond: number; events: number }, limits: { seconds?: number; rssMiB?: number }): Figure[] {
  const { memory } = result;
  const children = Object.entries(memory.children).map(([name, mib]) => `${name} ${Math.round(mib)} MiB`).join(', ');
  const rss = (metric: string, value: number, note: string): Figure => ({
    metric, value, unit: 'MiB', note, ...(limits.rssMiB ? { target: { op: '<=', value: limits.rssMiB } as const } : {}),
  });
  return [
    {
      metric: 'upload → last aggregate', value: result.seconds, unit: 's',
      ...(limits.seconds ? { target: { op: '<=', value: limits.seconds } as const } : {}),
      note: `${result.readings.toLocaleString('en-US')} readings, ${result.apiCalls} API calls`,
    },
    { metric: 'readings/s end to end', value: result.readingsPerSecond, unit: 'readings/s' },
    withRatio({
      metric: 'raw blob writes/s', value: result.rawBlobs / result.rawWindowSeconds, unit: 'blobs/s', baseline: result.blobPutsBaseline,
      better: 'higher', note: `${result.rawBlobs.toLocaleString('en-US')} blobs over ${result.rawWindowSeconds.toFixed(0)} s; baseline: raw SDK PUTs (16 in flight) on the same Azurite`,
    }),
    withRatio({
      metric: 'events/s aggregated', value: result.eventsPerSecond, unit: 'events/s', baseline: eventHubs.eventsPerSecond,
      better: 'higher', note: `baseline: emulator send+receive with the real client (${eventHubs.events.toLocaleString('en-US')} × 1 KB events)`,
    }),
    rss('peak RSS app process', memory.selfMiB, 'function app + local host + Open-Meteo stand-in'),
    rss('peak RSS process tree', memory.treeMiB, memory.complete ? `with ${children}` : 'no /proc here: this process only'),
  ];
}

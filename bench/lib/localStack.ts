// The local services a pipeline bench runs against, and the baselines measured on them in the same run. The Event
// Hubs emulator and the Open-Meteo stand-in run as child processes here (the CLI runs them in-process), so their
// memory and CPU are measured apart from the app's and never compete with its event loop: as on Azure, where both
// are other machines.
import { performance } from 'node:perf_hooks';

export { startEmulatorChild, startStandInChild } from '../../local/serviceChild.ts';

let emulatorBaseline: Promise<{ eventsPerSecond: number; events: number }> | undefined;

/** The emulator's own send+receive rate with the real client (bench/eventhubs.ts), measured once per bench run. */
export function emulatorEventsPerSecond(events = Number(process.env['BENCH_EVENTHUBS_EVENTS'] ?? 50_000)): Promise<{ eventsPerSecond: number; events: number }> {
  emulatorBaseline ??= import('../eventhubs.ts').then(async ({ runEventHubsBench }) => {
    const result = await runEventHubsBench(events);
    return { eventsPerSecond: result.emulatorEventsPerSecond, events };
  });
  return emulatorBaseline;
}

/** Spawn → ready of an in-memory Azurite alone, seconds: the part of every CLI run's start-up that is not ours. */
export async function azuriteStartSeconds(): Promise<number> {
  const { startAzurite } = await import('../../local/azurite.ts');
  const started = performance.now();
  const azurite = await startAzurite();
  const seconds = (performance.now() - started) / 1000;
  await azurite.close();
  return seconds;
}

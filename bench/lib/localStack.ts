// The local services a pipeline bench runs against, and the baselines measured on them in the same run. The Event
// Hubs emulator and the Open-Meteo stand-in run as child processes here (the CLI runs them in-process), so their
// memory and CPU are measured apart from the app's and never compete with its event loop: as on Azure, where both
// are other machines.
import { performance } from 'node:perf_hooks';

export { startEmulatorChild, startStandInChild } from '../../local/serviceChild.ts';

/**
 * The emulator's own send+receive rate with the real client (bench/eventhubs.ts, the emulator leg alone), measured
 * afresh at each call: a pipeline bench measures it next to each of its runs, as this machine's speed drifts by a
 * quarter over minutes of load (docs/performance.md) and a baseline from another minute would skew the ratio.
 */
export async function emulatorEventsPerSecond(events = Number(process.env['BENCH_EVENTHUBS_EVENTS'] ?? 50_000)): Promise<{ eventsPerSecond: number; events: number }> {
  const { emulatorSendReceive } = await import('../eventhubs.ts');
  return { eventsPerSecond: (await emulatorSendReceive(events)).eventsPerSecond, events };
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

// The services around one fault-injection run, each restartable on the same port with its data kept: Azurite on
// disk (--location), the Event Hubs emulator with --data-dir, and an Open-Meteo stand-in with the given faults.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from '../../local/azurite.ts';
import { start as startEventHubs, type RunningEmulator } from '../../local/eventhubs/index.ts';
import { startOpenMeteoStandIn, type RunningStandIn, type StandInOptions } from '../../local/openmeteo/standIn.ts';
import { EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';

export interface FaultWorld {
  /** App settings pointing at these services; the pipeline starts nothing of its own. */
  settings: Record<string, string>;
  standIn: RunningStandIn;
  /** Stops the emulator, waits `downMs`, starts it again on the same port and data directory. */
  restartEventHubs(downMs: number): Promise<void>;
  /** Stops Azurite (SIGTERM, so it saves its metadata), waits `downMs`, starts it on the same ports and folder. */
  restartAzurite(downMs: number): Promise<void>;
  /** Where Azurite and the emulator keep their data (blobs, tables, queues, events), readable once stopped. */
  dir: string;
  /** Stops the services and keeps their data on disk. */
  stop(): Promise<void>;
  /** Stops the services and deletes their data. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const portOf = (endpoint: string) => Number(new URL(endpoint).port);

export async function startFaultWorld(standInOptions: StandInOptions = {}, extraSettings: Record<string, string> = {}): Promise<FaultWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-world-'));
  const azuriteDir = join(dir, 'azurite');
  const eventHubsDir = join(dir, 'eventhubs');
  let azurite: RunningAzurite = await startAzurite({ location: azuriteDir });
  let eventHubs: RunningEmulator = await startEventHubs({ port: 0, dataDir: eventHubsDir });
  const standIn = await startOpenMeteoStandIn({ seed: 7, ...standInOptions });
  const ports = { blobPort: portOf(azurite.blobEndpoint), queuePort: portOf(azurite.queueEndpoint), tablePort: portOf(azurite.tableEndpoint) };
  const eventHubsPort = eventHubs.port;
  let stopped: Promise<unknown> | undefined;
  const stop = async () => {
    stopped ??= Promise.allSettled([azurite.close(), eventHubs.close(), standIn.close()]);
    await stopped;
  };
  return {
    settings: {
      [STORAGE_CONNECTION]: azurite.connectionString,
      [EVENTHUB_CONNECTION]: eventHubs.connectionString,
      [SETTINGS.weatherApiUrl]: standIn.url,
      // Short enough that a hung call is retried within the test's time, long enough for a loaded machine.
      [SETTINGS.weatherTimeoutMs]: '1500',
      // Nine jobs per city over the quarter, so faults spread over many jobs and calls.
      [SETTINGS.fetchWindowDays]: '10',
      ...extraSettings,
    },
    standIn,
    async restartEventHubs(downMs) {
      await eventHubs.close();
      await sleep(downMs);
      eventHubs = await startEventHubs({ port: eventHubsPort, dataDir: eventHubsDir });
    },
    async restartAzurite(downMs) {
      await azurite.close();
      await sleep(downMs);
      azurite = await startAzurite({ location: azuriteDir, ...ports });
    },
    dir,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The services around one fault-injection run, each restartable on the same port with its data kept: Azurite on
// disk (--location), the Event Hubs emulator with --data-dir, and an Open-Meteo stand-in with the given faults.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from '../../local/azurite.ts';
import { start as startEventHubs, type RunningEmulator } from '../../local/eventhubs/index.ts';
import { startOpenMeteoStandIn, type RunningStandIn, type StandInOptions } from '../../local/openmeteo/standIn.ts';
import { EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import { startStorageProxy, type StorageFaults, type StorageProxy } from './storageProxy.ts';

export interface FaultWorld {
  /** App settings pointing at these services; the pipeline starts nothing of its own. */
  settings: Record<string, string>;
  standIn: RunningStandIn;
  /** Sends the Event Hubs emulator refused as throttled (since its last start). */
  eventHubsThrottled(): number;
  /** The fault-injecting proxy the app reaches Azurite through, when the world was started with storage faults. */
  storageProxy: StorageProxy | undefined;
  /** Stops the emulator, waits `downMs`, starts it again on the same port and data directory. */
  restartEventHubs(downMs: number): Promise<void>;
  /** Stops Azurite (SIGTERM, so it saves its metadata), waits `downMs`, starts it on the same ports and folder. */
  restartAzurite(downMs: number): Promise<void>;
  /** Kills Azurite with SIGKILL, waits `downMs`, starts it on the same ports and folder. */
  killAzurite(downMs: number): Promise<void>;
  /** Where Azurite and the emulator keep their data (blobs, tables, queues, events), readable once stopped. */
  dir: string;
  /** Stops the services and keeps their data on disk. */
  stop(): Promise<void>;
  /** Stops the services and deletes their data. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const portOf = (endpoint: string) => Number(new URL(endpoint).port);

export async function startFaultWorld(
  standInOptions: StandInOptions = {},
  extraSettings: Record<string, string> = {},
  faults: { storage?: StorageFaults; eventHubsServerBusyRate?: number; azuriteNodeArgs?: readonly string[] } = {},
): Promise<FaultWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'fault-world-'));
  const azuriteDir = join(dir, 'azurite');
  const eventHubsDir = join(dir, 'eventhubs');
  const nodeArgs = faults.azuriteNodeArgs ?? [];
  let azurite: RunningAzurite = await startAzurite({ location: azuriteDir, nodeArgs });
  const throttle = faults.eventHubsServerBusyRate ? { serverBusyRate: faults.eventHubsServerBusyRate, seed: 5 } : undefined;
  let eventHubs: RunningEmulator = await startEventHubs({ port: 0, dataDir: eventHubsDir, throttle });
  const standIn = await startOpenMeteoStandIn({ seed: 7, ...standInOptions });
  const ports = { blobPort: portOf(azurite.blobEndpoint), queuePort: portOf(azurite.queueEndpoint), tablePort: portOf(azurite.tableEndpoint) };
  const eventHubsPort = eventHubs.port;
  const storageProxy = faults.storage ? await startStorageProxy(azurite, faults.storage) : undefined;
  let stopped: Promise<unknown> | undefined;
  const stop = async () => {
    stopped ??= Promise.allSettled([storageProxy?.close(), azurite.close(), eventHubs.close(), standIn.close()]);
    await stopped;
  };
  return {
    settings: {
      [STORAGE_CONNECTION]: storageProxy?.connectionString ?? azurite.connectionString,
      [EVENTHUB_CONNECTION]: eventHubs.connectionString,
      [SETTINGS.weatherApiUrl]: standIn.url,
      // Short enough that a hung call is retried within the test's time, long enough for a loaded machine.
      [SETTINGS.weatherTimeoutMs]: '1500',
      // Nine jobs per city over the quarter, so faults spread over many jobs and calls.
      [SETTINGS.fetchWindowDays]: '10',
      ...extraSettings,
    },
    standIn,
    storageProxy,
    eventHubsThrottled: () => eventHubs.throttledSends(),
    async restartEventHubs(downMs) {
      await eventHubs.close();
      await sleep(downMs);
      eventHubs = await startEventHubs({ port: eventHubsPort, dataDir: eventHubsDir, throttle });
    },
    async restartAzurite(downMs) {
      await azurite.close();
      await sleep(downMs);
      azurite = await startAzurite({ location: azuriteDir, nodeArgs, ...ports });
    },
    async killAzurite(downMs) {
      await azurite.kill();
      await sleep(downMs);
      azurite = await startAzurite({ location: azuriteDir, nodeArgs, ...ports });
    },
    dir,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

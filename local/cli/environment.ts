// What a pipeline run needs around the app: Azurite and the Event Hubs emulator in-process unless the settings
// name a storage account or hub already (STORAGE / EVENTHUB, connection string or identity form), and with
// --offline the Open-Meteo stand-in serving the recorded data.
import { startAzurite } from '../azurite.ts';
import type { RecordedCells } from '../openmeteo/recordedCells.ts';
import type { RunningStandIn } from '../openmeteo/standIn.ts';
import { EVENTHUB_CONNECTION, SETTINGS, STORAGE_CONNECTION } from '../../functions/config/settings.ts';
import { ensureErrorType } from '../../functions/errors.ts';
import { CLIError } from './errors.ts';

export type Settings = Record<string, string | undefined>;

export interface RunEnvironment {
  settings: Settings;
  standIn: RunningStandIn | undefined;
  /** What was started here, for the progress header. */
  started: string[];
  close(): Promise<void>;
}

function configured(settings: Settings, prefix: string): boolean {
  return Object.keys(settings).some((key) => (key === prefix || key.startsWith(`${prefix}__`)) && settings[key]?.trim());
}

export interface EnvironmentOptions {
  offline: boolean;
  /** With offline: let the stand-in make data up where the recording has none (marked synthetic). */
  synthetic?: boolean;
  recorded?: RecordedCells;
}

export async function startEnvironment(base: Settings, options: EnvironmentOptions): Promise<RunEnvironment> {
  const settings: Settings = { ...base };
  const closers: (() => Promise<void>)[] = [];
  const started: string[] = [];
  let standIn: RunningStandIn | undefined;
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  // All three at once, Azurite spawned first: it spends seconds loading its modules in its own process, while this
  // one loads the emulator and the stand-in (only those needed). One that fails must not leave the others running.
  const [azurite, eventHubs, openMeteo] = await Promise.allSettled([
    configured(settings, STORAGE_CONNECTION) ? undefined : startAzurite(),
    configured(settings, EVENTHUB_CONNECTION) ? undefined : import('../eventhubs/index.ts').then(({ start }) => start({ port: 0 })),
    options.offline ? import('../openmeteo/standIn.ts').then(({ startOpenMeteoStandIn }) =>
      startOpenMeteoStandIn({ port: 0, synthetic: options.synthetic ?? false, ...(options.recorded ? { recorded: options.recorded } : {}) })) : undefined,
  ]);
  for (const result of [azurite, eventHubs, openMeteo]) {
    const service = result.status === 'fulfilled' ? result.value : undefined;
    if (service) closers.push(() => service.close());
  }
  const failed = [azurite, eventHubs, openMeteo].find((result) => result.status === 'rejected');
  if (failed) {
    await close();
    throw new CLIError('E_START', `Could not start the local services: ${ensureErrorType(failed.reason).message}`, { cause: failed.reason });
  }
  if (azurite.status === 'fulfilled' && azurite.value) {
    settings[STORAGE_CONNECTION] = azurite.value.connectionString;
    started.push('Azurite');
  }
  if (eventHubs.status === 'fulfilled' && eventHubs.value) {
    settings[EVENTHUB_CONNECTION] = eventHubs.value.connectionString;
    started.push('Event Hubs emulator');
  }
  if (openMeteo.status === 'fulfilled' && openMeteo.value) {
    standIn = openMeteo.value;
    settings[SETTINGS.weatherApiUrl] = standIn.url;
    started.push(options.synthetic ? 'Open-Meteo stand-in (recorded data; SYNTHETIC data where the recording has none)' : 'Open-Meteo stand-in (recorded data)');
  }
  return { settings, standIn, started, close };
}

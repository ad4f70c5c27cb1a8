// What a pipeline run needs around the app: Azurite and the Event Hubs emulator in-process unless the settings
// name a storage account or hub already (STORAGE / EVENTHUB, connection string or identity form), and with
// --offline the Open-Meteo stand-in serving the recorded data.
import { startAzurite } from '../azurite.ts';
import { start as startEventHubs } from '../eventhubs/index.ts';
import type { RecordedCells } from '../openmeteo/recordedCells.ts';
import { startOpenMeteoStandIn, type RunningStandIn } from '../openmeteo/standIn.ts';
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
  try {
    const [azurite, eventHubs] = await Promise.all([
      configured(settings, STORAGE_CONNECTION) ? undefined : startAzurite(),
      configured(settings, EVENTHUB_CONNECTION) ? undefined : startEventHubs({ port: 0 }),
    ]);
    if (azurite) {
      closers.push(() => azurite.close());
      settings[STORAGE_CONNECTION] = azurite.connectionString;
      started.push('Azurite');
    }
    if (eventHubs) {
      closers.push(() => eventHubs.close());
      settings[EVENTHUB_CONNECTION] = eventHubs.connectionString;
      started.push('Event Hubs emulator');
    }
    if (options.offline) {
      standIn = await startOpenMeteoStandIn({ port: 0, synthetic: options.synthetic ?? false, ...(options.recorded ? { recorded: options.recorded } : {}) });
      const running = standIn;
      closers.push(() => running.close());
      settings[SETTINGS.weatherApiUrl] = standIn.url;
      started.push(options.synthetic ? 'Open-Meteo stand-in (recorded data; SYNTHETIC data where the recording has none)' : 'Open-Meteo stand-in (recorded data)');
    }
  } catch (error) {
    await close();
    throw new CLIError('E_START', `Could not start the local services: ${ensureErrorType(error).message}`, { cause: error });
  }
  return { settings, standIn, started, close };
}

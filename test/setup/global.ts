// Starts the emulators once for the whole run and hands their endpoints to tests (vitest provide/inject).
import type { TestProject } from 'vitest/node';
import { startAzurite } from '../../local/azurite.ts';
import { start as startEventHubs } from '../../local/eventhubs/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
    /** The Event Hubs emulator (default config: hub `temperatures`, 4 partitions); no EntityPath, pass the hub name. */
    eventHubsConnectionString: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [azurite, eventHubs] = await Promise.all([startAzurite(), startEventHubs({ port: 0 })]);
  project.provide('azuriteConnectionString', azurite.connectionString);
  project.provide('eventHubsConnectionString', eventHubs.connectionString);
  return async () => {
    await Promise.all([azurite.close(), eventHubs.close()]);
  };
}

// Starts the emulators once for the whole run and hands their endpoints to tests (vitest provide/inject).
import type { TestProject } from 'vitest/node';
import { startAzurite } from '../../local/azurite.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
  return async () => {
    await azurite.close();
  };
}

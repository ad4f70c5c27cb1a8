// Entry point for the Azure Functions host (package.json "main"). The only place app settings are read from
// process.env: once, validated, then handed to every handler.
import { app } from '@azure/functions';
import { createClients } from './app/clients.ts';
import type { AppContext } from './app/definition.ts';
import { registerWithHost } from './app/register.ts';
import { loadConfig } from './config/loadConfig.ts';
import { definitions } from './definitions/index.ts';

app.setup({ enableHttpStream: true });

let context: AppContext | undefined;
registerWithHost(definitions, () => {
  if (!context) {
    const config = loadConfig(process.env);
    context = { config, clients: createClients(config), now: () => new Date() };
  }
  return context;
});

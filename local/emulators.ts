// `npm run emulators`: Azurite (blob, queue, table on 10000-10002) and the Event Hubs emulator (5672) in the
// foreground, with both connection strings printed; Ctrl-C stops both.
import { startAzurite } from './azurite.ts';
import { consoleLogger } from './eventhubs/cli.ts';
import { DEFAULT_PORT, emulatorConnectionString, start as startEventHubs } from './eventhubs/index.ts';

const verbose = process.argv.includes('--verbose');
const azurite = await startAzurite({ blobPort: 10000, queuePort: 10001, tablePort: 10002 });
const eventHubs = await startEventHubs({
  port: DEFAULT_PORT,
  logger: verbose ? consoleLogger : { debug: () => undefined, warn: consoleLogger.warn },
}).catch(async (error: unknown) => {
  await azurite.close();
  throw error;
});

process.stdout.write(
  [
    'Emulators running (Ctrl-C to stop).',
    `Storage (Azurite):  ${azurite.connectionString}`,
    `Event Hubs:         ${emulatorConnectionString(eventHubs.port, eventHubs.hubs[0])}`,
    '',
  ].join('\n'),
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([eventHubs.close(), azurite.close()]);
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

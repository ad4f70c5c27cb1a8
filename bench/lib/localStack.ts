// The local services a pipeline bench runs against, and the raw baselines measured on them in the same run.
// The Event Hubs emulator runs as a child process here (the CLI runs it in-process), so its memory is measured
// apart from the app's and its event loop never competes with the app's: as in Azure, where the hub is a service.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { BlobServiceClient } from '@azure/storage-blob';
import { emulatorConnectionString } from '../../local/eventhubs/index.ts';
import { forEachLimit } from '../../functions/aggregate/forEachLimit.ts';
import { syntheticEvents } from './syntheticEvents.ts';

const EMULATOR_CLI = fileURLToPath(new URL('../../local/eventhubs/cli.ts', import.meta.url));
const LISTENING = /listening on port (\d+)/;

export interface EmulatorChild {
  connectionString: string;
  close(): Promise<void>;
}

export function startEmulatorChild(timeoutMs = 30_000): Promise<EmulatorChild> {
  const child = spawn(process.execPath, [EMULATOR_CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(kill);
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the Event Hubs emulator did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      const port = LISTENING.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.off('data', onData);
      resolve({ connectionString: emulatorConnectionString(Number(port)), close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', (code) => fail(new Error(`the Event Hubs emulator exited (${code}) before listening:\n${output}`)));
  });
}

/**
 * Raw Azurite blob PUTs per second: city-day-sized JSON bodies uploaded with the SDK at the fetch stage's write
 * concurrency (16), into a container of their own on the same Azurite the pipeline uses.
 */
export async function rawBlobPutsPerSecond(connectionString: string, puts = 3_000, concurrency = 16): Promise<number> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('bench-raw-puts');
  await container.createIfNotExists();
  const body = Buffer.from(JSON.stringify(syntheticEvents(1, 1)[0]), 'utf8');
  const names = Array.from({ length: puts }, (_, i) => `city-${i % 50}/2023/${String(i).padStart(5, '0')}.json`);
  const started = performance.now();
  await forEachLimit(names, concurrency, async (name) => {
    await container.getBlockBlobClient(name).upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'application/json' } });
  });
  // The blobs stay: deleting them leaves unreferenced extents, and Azurite's blob GC (every 10 min) removes each
  // with a rebuild of its extent index, which blocked it for over 6 minutes once the scale run held 240,000 blobs.
  return puts / ((performance.now() - started) / 1000);
}

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

// The local services a pipeline bench runs against, and the baselines measured on them in the same run. The Event
// Hubs emulator and the Open-Meteo stand-in run as child processes here (the CLI runs them in-process), so their
// memory and CPU are measured apart from the app's and never compete with its event loop: as on Azure, where both
// are other machines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { emulatorConnectionString } from '../../local/eventhubs/index.ts';

const EMULATOR_CLI = fileURLToPath(new URL('../../local/eventhubs/cli.ts', import.meta.url));
const STAND_IN_CLI = fileURLToPath(new URL('../../local/openmeteo/cli.ts', import.meta.url));

export interface EmulatorChild {
  connectionString: string;
  close(): Promise<void>;
}

interface ServiceChild {
  /** What `ready` matched in the child's output. */
  match: RegExpExecArray;
  close(): Promise<void>;
}

/** Runs a service's CLI in a child Node process until it prints `ready`. */
function startServiceChild(script: string, args: readonly string[], ready: RegExp, what: string, timeoutMs: number): Promise<ServiceChild> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const timer = setTimeout(() => fail(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.off('data', onData).resume();
      resolve({ match, close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', (code) => fail(new Error(`${what} exited (${code}) before it was ready:\n${output}`)));
  });
}

export async function startEmulatorChild(timeoutMs = 30_000): Promise<EmulatorChild> {
  const { match, close } = await startServiceChild(EMULATOR_CLI, ['--port', '0'], /listening on port (\d+)/, 'the Event Hubs emulator', timeoutMs);
  return { connectionString: emulatorConnectionString(Number(match[1])), close };
}

/**
 * The Open-Meteo stand-in (zero latency, no limit) in a child process: on Azure the API is another machine, so
 * building its answers must not be counted as the app's CPU or compete with the app's event loop.
 */
export async function startStandInChild(timeoutMs = 30_000): Promise<{ url: string; close(): Promise<void> }> {
  const { match, close } = await startServiceChild(STAND_IN_CLI, ['--port', '0'], /listening on (http:\/\/\S+)/, 'the Open-Meteo stand-in', timeoutMs);
  return { url: match[1]!, close };
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

// Runs one of the local services (the Event Hubs emulator, the Open-Meteo stand-in) through its own CLI in a child
// Node process, until it prints that it is ready. Its work then runs on another core than the function app's, as on
// Azure, where the hub and the API are other machines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServiceChild {
  /** What `ready` matched in the child's output. */
  match: RegExpExecArray;
  close(): Promise<void>;
}

export function startServiceChild(script: string, args: readonly string[], ready: RegExp, what: string, timeoutMs = 30_000): Promise<ServiceChild> {
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
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    const onData = (chunk: Buffer) => {
      keep(chunk);
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      // Nothing more to look for: what the service still prints drains unread.
      child.stdout.off('data', onData).resume();
      child.stderr.off('data', keep).resume();
      resolve({ match, close });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', keep);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${what} exited (${code}) before it was ready:\n${output}`)));
  });
}

const EMULATOR_CLI = fileURLToPath(new URL('./eventhubs/cli.ts', import.meta.url));
const STAND_IN_CLI = fileURLToPath(new URL('./openmeteo/cli.ts', import.meta.url));

/** The Event Hubs emulator (in memory, any free port) in a child process; its namespace connection string. */
export async function startEmulatorChild(timeoutMs?: number): Promise<{ connectionString: string; close(): Promise<void> }> {
  const { match, close } = await startServiceChild(EMULATOR_CLI, ['--port', '0'], /listening on port (\d+)/, 'the Event Hubs emulator', timeoutMs);
  const { emulatorConnectionString } = await import('./eventhubs/index.ts');
  return { connectionString: emulatorConnectionString(Number(match[1])), close };
}

/** The Open-Meteo stand-in (zero latency, no faults, any free port) in a child process; its archive URL. */
export async function startStandInChild(timeoutMs?: number): Promise<{ url: string; close(): Promise<void> }> {
  const { match, close } = await startServiceChild(STAND_IN_CLI, ['--port', '0'], /listening on (http:\/\/\S+)/, 'the Open-Meteo stand-in', timeoutMs);
  return { url: match[1]!, close };
}

// One Functions instance as its own process: `npm run host -- --functions …` with the given settings in its
// environment, for tests and benchmarks that run several instances side by side or kill one outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./cli/main.ts', import.meta.url));

export interface HostProcessOptions {
  /** App settings, passed as environment variables (no local.settings.json is read). */
  settings: Readonly<Record<string, string>>;
  functions: readonly string[];
  /** Node options before the script, e.g. `--import` of a test hook. */
  nodeArgs?: readonly string[];
  /** Resolve once the output contains this (default: the host's "Ctrl-C to stop"). */
  readyWhen?: string;
  startTimeoutMs?: number;
}

export interface HostProcess {
  pid: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no clean-up of any kind, as an instance recycle or an out-of-memory kill. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (the host drains and stops), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const args = [...(options.nodeArgs ?? []), MAIN, 'host', '--port', '0', '--settings', 'none.json', '--functions', options.functions.join(',')];
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...options.settings }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = options.readyWhen ?? 'Ctrl-C to stop';
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the host process did not start within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      // Bounded: a long run's log must not grow without end; what tests look for is recent.
      output = (output + chunk.toString('utf8')).slice(-1_000_000);
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the host process exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  };
  return {
    pid: child.pid ?? 0,
    output: () => output,
    exited,
    kill,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

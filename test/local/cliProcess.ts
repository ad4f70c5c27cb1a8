// Runs one of the project's command-line scripts as a user would (its own Node process) and keeps its output; wait on
// it with test/waitUntil.ts.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Launched {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Everything written to stderr so far (where the CLIs log). */
  errors(): string;
  finished: Promise<Finished>;
}

const running = new Set<ChildProcess>();

export function launch(script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Launched {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, output: () => stdout, errors: () => stderr, finished };
}

/** For afterEach: kills whatever a failed test left running. */
export function killLaunched(): void {
  for (const child of running) child.kill('SIGKILL');
}

// `npm run pipeline` as a user runs it, timed from the outside: spawn → exit, split at the lines the CLI prints
// (its services started, the city file uploaded, the app idle). The CLI starts its own Azurite, Event Hubs emulator
// and stand-in (--offline, zero latency), so start-up and shutdown are inside the figure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRunTimes {
  /** Spawn → exit, seconds. */
  total: number;
  /** Spawn → "Started …": npm, Node, loading the app, starting Azurite, the emulator and the stand-in. */
  startUp: number;
  /** "Started" → "Uploaded": the local host's start (storage resources, triggers) and the upload. */
  hostStart: number;
  /** "Uploaded" → "Done": the run, until the host finds the app idle. */
  run: number;
  /** "Done" → exit: reading and printing the results, the ledger check, stopping everything. */
  finish: number;
}

/** npm as `npm run bench` found it (npm_execpath), run by this Node; else `npm` from PATH. */
function npmCommand(): { command: string; args: string[] } {
  const cli = process.env['npm_execpath'];
  return cli && /\.c?js$/.test(cli) ? { command: process.execPath, args: [cli] } : { command: 'npm', args: [] };
}

export function runPipelineCli(args: readonly string[], timeoutMs: number): Promise<CliRunTimes> {
  const npm = npmCommand();
  const started = performance.now();
  const marks: Record<string, number> = {};
  const child = spawn(npm.command, [...npm.args, 'run', '--silent', 'pipeline', '--', ...args], {
    cwd: REPO,
    // Whatever this shell points the app at, the CLI must start its own services, as on a fresh clone.
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(STORAGE|EVENTHUB)(__|$)|^WEATHER_API_/.test(key))),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const seconds = (from: number, to: number) => (to - from) / 1000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      for (const [mark, pattern] of [['started', /^Started /m], ['uploaded', /^Uploaded /m], ['done', /^Done in /m]] as const) {
        if (marks[mark] === undefined && pattern.test(text)) marks[mark] = at;
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const ended = performance.now();
      const { started: up, uploaded, done } = marks;
      if (code !== 0 || up === undefined || uploaded === undefined || done === undefined) {
        reject(new Error(`npm run pipeline ${args.join(' ')} exited (${signal ?? code}) after ${seconds(started, ended).toFixed(1)} s:\n${output}`));
        return;
      }
      resolve({
        total: seconds(started, ended),
        startUp: seconds(started, up),
        hostStart: seconds(up, uploaded),
        run: seconds(uploaded, done),
        finish: seconds(done, ended),
      });
    });
  });
}

/** The run with the median total of `runs`. */
export async function medianCliRun(args: readonly string[], runs: number, timeoutMs: number): Promise<{ median: CliRunTimes; all: CliRunTimes[] }> {
  const all: CliRunTimes[] = [];
  for (let i = 0; i < runs; i++) all.push(await runPipelineCli(args, timeoutMs));
  const sorted = [...all].sort((a, b) => a.total - b.total);
  return { median: sorted[Math.floor(sorted.length / 2)]!, all };
}

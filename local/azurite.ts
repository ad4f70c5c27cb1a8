// Starts Azurite (blob, queue, table) as a child process and reports the ports it actually bound.
// A child process, not in-process, so Azurite's work never competes with ours for one event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEV_ACCOUNT = 'devstoreaccount1';
// Azurite's fixed, publicly documented development key: not a secret.
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Ports to bind; 0 (the default) lets the OS choose. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  host?: string;
  /** Keep data in this folder; without it data lives in memory and is gone on close. */
  location?: string;
  /** Print Azurite's own output (debug). */
  verbose?: boolean;
  /** V8 old-space limit for Azurite's process; in memory it needs ~13 KB per blob, beyond Node's default heap. */
  maxHeapMiB?: number;
  /** Serve HTTPS with this PEM certificate and key (the clients must trust it, e.g. NODE_EXTRA_CA_CERTS). */
  tls?: { certPath: string; keyPath: string };
  /** Accept Entra ID bearer tokens (Azurite's `--oauth basic`: issuer, audience and lifetime are checked; needs tls). */
  oauth?: boolean;
  /** Node options for Azurite's process, before its script (e.g. `--require` of a test preload). */
  nodeArgs?: readonly string[];
}

export interface RunningAzurite {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** A connection string the Azure SDKs and the Functions host accept. */
  connectionString: string;
  close(): Promise<void>;
  /** SIGKILL: Azurite gets no chance to save what it holds in memory (see docs/reliability.md). */
  kill(): Promise<void>;
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (https?:\/\/\S+)/;

export function azuriteConnectionString(blob: string, queue: string, table: string): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=${blob}/${DEV_ACCOUNT}`,
    `QueueEndpoint=${queue}/${DEV_ACCOUNT}`,
    `TableEndpoint=${table}/${DEV_ACCOUNT}`,
  ].join(';') + ';';
}

/**
 * Loaded into Azurite's process: when the process that started it goes away, even by SIGKILL (the IPC channel then
 * closes), Azurite stops as on Ctrl-C (SIGTERM: on disk, it saves first) instead of living on as an orphan.
 */
const EXIT_WITH_PARENT = `data:text/javascript,process.on('disconnect',()=>process.kill(process.pid,'SIGTERM'))`;

function azuriteMain(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'azurite.js');
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const scratch = options.location ? undefined : mkdtempSync(join(tmpdir(), 'azurite-'));
  // The folder is Azurite's working directory too, and spawn fails with a misleading ENOENT when it is missing.
  if (options.location) mkdirSync(options.location, { recursive: true });
  const args = [
    '--import', EXIT_WITH_PARENT,
    ...(options.nodeArgs ?? []),
    ...(options.maxHeapMiB ? [`--max-old-space-size=${options.maxHeapMiB}`] : []),
    azuriteMain(),
    '--blobHost', host, '--queueHost', host, '--tableHost', host,
    '--blobPort', String(options.blobPort ?? 0),
    '--queuePort', String(options.queuePort ?? 0),
    '--tablePort', String(options.tablePort ?? 0),
    '--skipApiVersionCheck', '--loose', '--disableTelemetry',
    // Azurite's access log is a line per request, formatted in its process and parsed in ours: in a pipeline run
    // that was ~15% of Azurite's CPU. Kept when its output is shown.
    ...(options.verbose ? [] : ['--silent']),
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
    ...(options.tls ? ['--cert', options.tls.certPath, '--key', options.tls.keyPath] : []),
    ...(options.oauth ? ['--oauth', 'basic'] : []),
  ];
  // Azurite writes its debug log and extent metadata into the working directory: keep them out of the repo.
  const child = spawn(process.execPath, args, { cwd: options.location ?? scratch, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // The channel exists only so Azurite notices our death; it must not keep this process alive.
  child.channel?.unref();
  const endpoints = await waitForEndpoints(child, options.verbose ?? false);
  const { Blob: blob, Queue: queue, Table: table } = endpoints;
  return {
    blobEndpoint: `${blob}/${DEV_ACCOUNT}`,
    queueEndpoint: `${queue}/${DEV_ACCOUNT}`,
    tableEndpoint: `${table}/${DEV_ACCOUNT}`,
    connectionString: azuriteConnectionString(blob, queue, table),
    close: () => stop(child, scratch),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function waitForEndpoints(child: ChildProcess, verbose: boolean): Promise<Record<'Blob' | 'Queue' | 'Table', string>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<'Blob' | 'Queue' | 'Table', string>> = {};
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within 30 s:\n${output}`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (verbose) process.stderr.write(text);
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) {
        const match = LISTENING.exec(line);
        if (match?.[1] && match[2]) found[match[1] as 'Blob' | 'Queue' | 'Table'] = match[2];
      }
      if (found.Blob && found.Queue && found.Table) {
        clearTimeout(timer);
        if (!verbose) {
          // Nothing more to look for: let what Azurite still prints drain unread.
          for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData).resume();
        }
        resolve({ Blob: found.Blob, Queue: found.Queue, Table: found.Table });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`Azurite exited with code ${code} before it was ready:\n${output}`)));
    child.once('error', fail);
  });
}

async function stop(child: ChildProcess, scratch: string | undefined): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timeout);
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

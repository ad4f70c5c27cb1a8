// Runs the Python driver (test/local/eventhubs/python/driver.py): Debian's azure-eventhub 5.11, with its own AMQP
// stack (pyamqp), against the emulator over AMQPS (the only way that client connects). Where /usr/bin/python3
// cannot import azure.eventhub (python3-azure is not installed) or openssl is missing, the tests skip with a message.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onPath } from '../../infra/bicepCli.ts';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const DRIVER = join(import.meta.dirname, 'python/driver.py');
const openssl = onPath('openssl');

function pythonSdk(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} was not found`;
  try {
    execFileSync(PYTHON, ['-c', 'import azure.eventhub'], { stdio: 'ignore', timeout: 60_000 });
    return undefined;
  } catch {
    return `${PYTHON} cannot import azure.eventhub (install Debian's python3-azure)`;
  }
}

export const opensslMissing = openssl ? undefined : 'openssl was not found on PATH (it makes the AMQPS certificate)';
export const pythonMissing = pythonSdk() ?? opensslMissing;

/** A throwaway self-signed certificate for localhost and 127.0.0.1; `dispose` deletes it. */
export function throwawayCertificate(): { certPath: string; keyPath: string; dispose(): void } {
  if (!openssl) throw new Error('openssl was not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'eventhubs-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  return { certPath, keyPath, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one scenario of the driver and returns the JSON it printed last. */
export async function runPython<T>(scenario: string, connectionString: string, caFile: string, ...args: (string | number)[]): Promise<T> {
  try {
    const { stdout } = await run(PYTHON, [DRIVER, scenario, connectionString, caFile, ...args.map(String)], { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`python scenario '${scenario}' failed: ${(error as Error).message}\n${stdout.slice(-2_000)}\n${stderr.slice(-4_000)}`, { cause: error });
  }
}

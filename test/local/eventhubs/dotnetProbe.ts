// Builds and runs the .NET probe (test/local/eventhubs/dotnet): the Azure.Messaging.EventHubs client, which is what
// the Functions host's Event Hubs trigger and output binding use under `func start`, against the emulator. Where
// dotnet is missing (a laptop without the SDK) the tests skip with a message; CI has it (it restores Bicep with it).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onPath, repoRoot } from '../../infra/bicepCli.ts';

const run = promisify(execFile);
const PROJECT = join(repoRoot, 'test/local/eventhubs/dotnet/EventHubsProbe.csproj');
const ENV = { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' };

export const dotnet = onPath('dotnet');
export const dotnetMissing = dotnet ? undefined : 'dotnet was not found on PATH, so the .NET Event Hubs client cannot be built';

export interface Probe {
  run<T>(scenario: string, connectionString: string, ...args: (string | number)[]): Promise<T>;
  dispose(): Promise<void>;
}

/** Restores and builds the probe into a temporary directory (nothing is written next to the sources). */
export async function buildProbe(): Promise<Probe> {
  if (!dotnet) throw new Error(dotnetMissing);
  const artifacts = await mkdtemp(join(tmpdir(), 'eventhubs-probe-'));
  try {
    await run(dotnet, ['build', PROJECT, '-c', 'Release', '--artifacts-path', artifacts, '-nologo', '-v', 'q'], { env: ENV, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await rm(artifacts, { recursive: true, force: true });
    const { stdout = '' } = error as { stdout?: string };
    throw new Error(`dotnet build of the Event Hubs probe failed:\n${stdout.slice(-4_000)}`, { cause: error });
  }
  const dll = join(artifacts, 'bin/EventHubsProbe/release/EventHubsProbe.dll');
  return {
    async run<T>(scenario: string, connectionString: string, ...args: (string | number)[]): Promise<T> {
      try {
        const { stdout } = await run(dotnet, [dll, scenario, connectionString, ...args.map(String)], { env: ENV, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
        return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`probe '${scenario}' failed: ${(error as Error).message}\n${stdout.slice(-2_000)}\n${stderr.slice(-4_000)}`, { cause: error });
      }
    },
    dispose: () => rm(artifacts, { recursive: true, force: true }),
  };
}

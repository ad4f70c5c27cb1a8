// Restores the real Bicep compiler from NuGet (Azure.Bicep.CommandLine.<rid>) into tools/bicep/bicep when dotnet is
// there, so `npm test` on a fresh clone needs no setup step. Runs once per machine: a lock file keeps parallel test
// workers (and parallel test runs) from restoring at the same time, a lock left by a process that died is taken
// over, and the binary is moved into place with one rename, so a reader never sees half of it.
import { execFile } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const BICEP_VERSION = process.env.BICEP_VERSION ?? '0.49.2';

/** The NuGet runtime id of this machine, as the Bicep CLI packages name it. */
export function runtimeId(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const os = platform === 'linux' ? 'linux' : platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : undefined;
  const cpu = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? `${os}-${cpu}` : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

export interface RestoreOptions {
  /** Where the binary goes (tools/bicep/bicep). */
  target: string;
  /** Does the download and leaves an executable at the given path; dotnet restore by default. */
  restore?: (destination: string) => Promise<void>;
  /** How long to wait for another process's restore. */
  waitMs?: number;
}

/** Runs `work` holding the lock, unless the target appears meanwhile (another process restored it). */
async function withLock(lockFile: string, target: string, waitMs: number, work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (existsSync(target)) return;
    let fd: number | undefined;
    try {
      fd = openSync(lockFile, 'wx');
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      // A lock without a live owner (a killed run) is stale: take it over.
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) rmSync(lockFile, { force: true });
      else if (Date.now() > deadline) throw new Error(`another process (${holder}) has been restoring the Bicep CLI for ${waitMs / 1000} s (${lockFile})`, { cause: error });
      else await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (!existsSync(target)) await work();
    } finally {
      unlinkSync(lockFile);
    }
    return;
  }
}

export async function dotnetRestore(destination: string, version = BICEP_VERSION): Promise<void> {
  const rid = runtimeId();
  if (!rid) throw new Error(`no Bicep CLI package for ${process.platform}-${process.arch}`);
  const work = `${destination}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const project = join(work, 'restore.csproj');
    writeFileSync(project, `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.${rid}" Version="[${version}]" /></ItemGroup>
</Project>
`);
    await run('dotnet', ['restore', project, '--packages', join(work, 'packages')], { timeout: 10 * 60_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
    const tools = join(work, 'packages', `azure.bicep.commandline.${rid}`, version, 'tools');
    const binary = readdirSync(tools).find((name) => name === 'bicep' || name === 'bicep.exe');
    if (!binary) throw new Error(`the package has no bicep binary in ${tools}`);
    copyFileSync(join(tools, binary), destination);
    chmodSync(destination, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Leaves an executable at `target`, restoring it once (under a lock) when it is not there. */
export async function restoreBicepOnce(options: RestoreOptions): Promise<void> {
  const { target } = options;
  mkdirSync(join(target, '..'), { recursive: true });
  await withLock(`${target}.lock`, target, options.waitMs ?? 10 * 60_000, async () => {
    const partial = `${target}.${process.pid}.partial`;
    try {
      await (options.restore ?? dotnetRestore)(partial);
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
  });
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreBicepOnce, runtimeId } from './restoreBicep.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in for `dotnet restore`: counts its calls and writes a fake binary after a while. */
function fakeRestore(ms = 200) {
  let calls = 0;
  return {
    calls: () => calls,
    restore: async (destination: string) => {
      calls++;
      await sleep(ms);
      writeFileSync(destination, '#!/bin/sh\necho fake bicep\n', { mode: 0o755 });
    },
  };
}

describe('restoreBicepOnce', () => {
  it('restores once when several workers ask at the same time; the others wait for it', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'bicep-')), 'tools', 'bicep');
    const fake = fakeRestore();
    await Promise.all(Array.from({ length: 4 }, () => restoreBicepOnce({ target, restore: fake.restore })));
    expect(fake.calls()).toBe(1);
    expect(readFileSync(target, 'utf8')).toContain('fake bicep');
    // Nothing left behind: no lock, no partial file.
    expect(readdirSync(join(target, '..'))).toEqual(['bicep']);
    await restoreBicepOnce({ target, restore: fake.restore });
    expect(fake.calls()).toBe(1);
  });

  it('takes over a lock whose owner died', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'bicep-')), 'bicep');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(`${target}.lock`, String(dead));
    const fake = fakeRestore(10);
    await restoreBicepOnce({ target, restore: fake.restore, waitMs: 5_000 });
    expect(fake.calls()).toBe(1);
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('leaves neither a partial binary nor a lock when the restore fails, so the next run tries again', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'bicep-')), 'bicep');
    await expect(restoreBicepOnce({ target, restore: async (destination) => {
      writeFileSync(destination, 'half');
      throw new Error('NuGet unreachable');
    } })).rejects.toThrow('NuGet unreachable');
    expect(readdirSync(join(target, '..'))).toEqual([]);
    const fake = fakeRestore(10);
    await restoreBicepOnce({ target, restore: fake.restore });
    expect(fake.calls()).toBe(1);
  });
});

describe('runtimeId', () => {
  it.each([
    ['linux', 'x64', 'linux-x64'], ['linux', 'arm64', 'linux-arm64'], ['darwin', 'arm64', 'osx-arm64'], ['win32', 'x64', 'win-x64'], ['freebsd', 'x64', undefined], ['linux', 'ia32', undefined],
  ])('%s %s → %s', (platform, arch, expected) => {
    expect(runtimeId(platform, arch)).toBe(expected);
  });
});

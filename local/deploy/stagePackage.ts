// Stages what Azure runs, and nothing else: `npm run package:azure [-- --out DIR]` (default .deploy/) writes the
// compiled app (dist/functions), package.json, package-lock.json, host.json and the production dependencies, read
// from package-lock.json (every package not marked dev) and copied from node_modules. `azd up` ships this directory
// (azure.yaml: dist .deploy, remoteBuild false, prepackage hook), so no devDependency (the pinned Node binary,
// TypeScript, Azurite, Playwright, vitest) and no TypeScript source reaches the Function App.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
}

/** package-lock paths (`node_modules/a`, `node_modules/a/node_modules/b`) of the production dependencies. */
export function productionPackages(lock: { packages: Record<string, LockEntry> }): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.link)
    .map(([path]) => path);
}

function sizeOf(path: string): number {
  const stats = statSync(path);
  return stats.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stats.size;
}

export function stagePackage(out: string): { packages: number; bytes: number } {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'dist')], { cwd: root, stdio: 'inherit' });
  // The build also compiles local/ (the CLI, emulators): only the app goes to Azure.
  rmSync(join(out, 'dist', 'local'), { recursive: true, force: true });
  for (const file of ['package.json', 'package-lock.json', 'host.json']) cpSync(join(root, file), join(out, file));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  let packages = 0;
  for (const path of productionPackages(lock)) {
    const from = join(root, path);
    if (!existsSync(from)) continue; // an optional dependency for another platform
    // A package's own nested node_modules are listed (and copied) as packages of their own, dev ones not at all.
    cpSync(from, join(out, path), { recursive: true, filter: (source) => !source.slice(from.length).split(sep).includes('node_modules') });
    packages++;
  }
  return { packages, bytes: sizeOf(out) };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: '.deploy' } } });
  const out = resolve(root, values.out ?? '.deploy');
  const { packages, bytes } = stagePackage(out);
  console.log(`Staged ${out}: dist/functions, host.json, package.json and ${packages} production packages, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
}

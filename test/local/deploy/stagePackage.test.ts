// What `azd up` ships (azure.yaml: the prepackage hook runs `npm run package:azure`, dist .deploy, remoteBuild
// false): the compiled app and its production dependencies only. Staged into a temporary directory, checked for
// what must and must not be there, and loaded on its own (no repository node_modules to fall back on) by plain
// Node 22 under the Functions worker stand-in, which must see every function of the app registered.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../../functions/definitions/index.ts';
import { stagePackage } from '../../../local/deploy/stagePackage.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
let out: string;
let staged: { packages: number; bytes: number };

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

beforeAll(() => {
  out = join(mkdtempSync(join(tmpdir(), 'azd-package-')), '.deploy');
  staged = stagePackage(out);
}, 300_000);
afterAll(() => {
  if (out) rmSync(join(out, '..'), { recursive: true, force: true });
});

describe('stagePackage', () => {
  it('ships the compiled app, host.json and package.json, and no source, test, tool or local/ code', () => {
    const own = [...files(out)].map((f) => relative(out, f).split('\\').join('/')).filter((f) => !f.startsWith('node_modules/'));
    expect(own).toContain('dist/functions/index.js');
    expect(own).toEqual(expect.arrayContaining(['host.json', 'package.json', 'package-lock.json']));
    // Source maps stay: they give the stack traces in Application Insights their TypeScript lines.
    expect(own.filter((f) => !/^dist\/functions\/.*\.js(\.map)?$/.test(f) && !['host.json', 'package.json', 'package-lock.json'].includes(f))).toEqual([]);
  });

  it('ships the production dependencies and none of the devDependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) expect(existsSync(join(out, 'node_modules', name)), name).toBe(true);
    // A devDependency the app also needs at run time (rhea, under @azure/event-hubs) is a production package too.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev === true);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'node', 'azurite', 'vitest', 'playwright-core', 'eslint']));
    expect(devOnly.filter((name) => existsSync(join(out, 'node_modules', name)))).toEqual([]);
    console.log(`azd package: ${staged.packages} production packages, ${(staged.bytes / 2 ** 20).toFixed(1)} MiB`);
    expect(staged.bytes).toBeLessThan(150 * 2 ** 20);
  });

  it('loads on its own under the Functions worker stand-in and registers every function', async () => {
    const standIn = pathToFileURL(join(root, 'test/functions/workerStandIn.mjs')).href;
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const { stdout } = await run(process.execPath, ['--no-experimental-strip-types', '--import', standIn, join(out, 'dist/functions/index.js')], { cwd: out, env, timeout: 60_000 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { registrations: { name: string }[]; resolved: string[] };
    expect(report.registrations.map((r) => r.name).sort()).toEqual(definitions.map((d) => d.name).sort());
    // Everything it loaded came from the staged directory (or Node itself), never from the repository.
    const outside = report.resolved.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url)).filter((f) => !f.startsWith(out) && !f.includes('workerStandIn'));
    expect(outside).toEqual([]);
  });

  it('is what azure.yaml ships: the prepackage hook stages it, dist points at it, and nothing is rebuilt remotely', () => {
    const yaml = readFileSync(join(root, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^\s+dist: \.deploy$/m);
    expect(yaml).toMatch(/^\s+remoteBuild: false$/m);
    expect(yaml).toMatch(/prepackage:[\s\S]*run: npm run package:azure/);
    expect(readFileSync(join(root, '.funcignore'), 'utf8')).toMatch(/^\.deploy\/$/m);
  });
});

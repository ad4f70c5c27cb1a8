// The app as `func azure functionapp publish` ships it: compiled by `npm run build`'s tsconfig, loaded by plain Node 22
// (no type stripping) under a stand-in for the Functions Node worker (workerStandIn.mjs). Checks what the host would
// index, that every setting a binding names is in local.settings.sample.json (what `func start` reads), and that the
// app loads nothing .funcignore leaves out of the package and no devDependency.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ignore from 'ignore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Binding {
  type: string;
  direction: string;
  [key: string]: unknown;
}
interface Registration {
  name: string;
  bindings: Record<string, Binding>;
  retryOptions?: Record<string, unknown>;
  hasCallback: boolean;
}
interface Report {
  programmingModel?: { name: string };
  registrations: Registration[];
  resolved: string[];
}

interface LockEntry {
  dev?: boolean;
  dependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The optional peers a production package declares, with their own dependencies, as package-lock paths. */
function optionalPeers(packages: Record<string, LockEntry>, path: string): string[] {
  const entry = packages[path];
  if (!entry || entry.dev) return [];
  const peers = Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => `node_modules/${name}`);
  return peers.flatMap((peer) => [peer, ...Object.keys(packages[peer]?.dependencies ?? {}).map((name) => `node_modules/${name}`)]);
}

let dir: string;
let report: Report;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'published-app-'));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { cwd: root, timeout: 240_000 });
  await Promise.all(['package.json', 'host.json'].map((file) => cp(join(root, file), join(dir, file))));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // No app settings at all: indexing must not need them (they are read on the first invocation).
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const standIn = pathToFileURL(join(root, 'test/functions/workerStandIn.mjs')).href;
  const { stdout } = await run(process.execPath, ['--no-experimental-strip-types', '--import', standIn, join(dir, 'dist/functions/index.js')], { cwd: dir, env, timeout: 60_000 });
  report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Report;
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const byName = (name: string): Registration => {
  const found = report.registrations.find((r) => r.name === name);
  if (!found) throw new Error(`${name} was not registered`);
  return found;
};
const trigger = (name: string): Binding => {
  const triggers = Object.values(byName(name).bindings).filter((b) => b.type.endsWith('Trigger'));
  expect(triggers, name).toHaveLength(1);
  return triggers[0] as Binding;
};

describe('the compiled app under a stand-in for the Functions Node worker (workerStandIn.mjs, not the real worker)', () => {
  it('registers every function with the v4 programming model and a handler', () => {
    expect(report.programmingModel?.name).toBe('@azure/functions');
    expect(report.registrations.map((r) => r.name).sort()).toEqual(
      ['adminReplay', 'adminVerify', 'aggregateTemperatures', 'fetchCityWeather', 'getAggregates', 'getCities', 'getDashboard', 'getRun', 'getRuns', 'onCityFile', 'refreshRecent'].sort(),
    );
    expect(report.registrations.every((r) => r.hasCallback)).toBe(true);
  });

  it('declares the Event Hubs trigger as batches from the aggregator consumer group, with an exponential retry policy', () => {
    expect(trigger('aggregateTemperatures')).toMatchObject({ type: 'eventHubTrigger', direction: 'in', cardinality: 'many', connection: 'EVENTHUB', eventHubName: '%EVENTHUB_NAME%', consumerGroup: '%EVENTHUB_CONSUMER_GROUP%' });
    expect(byName('aggregateTemperatures').retryOptions).toMatchObject({ strategy: 'exponentialBackoff', maxRetryCount: 5 });
  });

  it('declares the queue triggers, the timer and the HTTP routes with their auth levels', () => {
    expect(trigger('onCityFile')).toMatchObject({ type: 'queueTrigger', queueName: 'city-files', connection: 'STORAGE' });
    expect(trigger('fetchCityWeather')).toMatchObject({ type: 'queueTrigger', queueName: 'fetch-jobs', connection: 'STORAGE' });
    expect(trigger('refreshRecent')).toMatchObject({ type: 'timerTrigger', schedule: '%REFRESH_SCHEDULE%' });
    const routes = Object.fromEntries(
      ['getCities', 'getAggregates', 'getDashboard', 'getRun', 'getRuns', 'adminReplay', 'adminVerify'].map((name) => {
        const http = trigger(name);
        expect(http.type).toBe('httpTrigger');
        return [name, `${String(http['authLevel'])} ${(http['methods'] as string[]).join(',')} ${String(http['route'])}`];
      }),
    );
    expect(routes).toEqual({
      getCities: 'function GET cities',
      getAggregates: 'function GET aggregates',
      getDashboard: 'function GET dashboard',
      getRun: 'function GET runs/{id}',
      getRuns: 'function GET runs',
      adminReplay: 'admin POST ops/replay',
      adminVerify: 'admin POST ops/verify',
    });
  });

  it('names only settings that local.settings.sample.json sets, so `func start` can resolve every binding', async () => {
    const sample = JSON.parse(await readFile(join(root, 'local.settings.sample.json'), 'utf8')) as { Values: Record<string, string> };
    const names = Object.keys(sample.Values);
    const bindings = report.registrations.flatMap((r) => Object.values(r.bindings).map((b) => [r.name, b] as const));
    const referenced = new Set<string>();
    for (const [, binding] of bindings) {
      for (const value of Object.values(binding)) {
        for (const match of String(value).matchAll(/%([A-Za-z0-9_]+)%/g)) referenced.add(match[1] as string);
      }
    }
    const connections = new Set(bindings.map(([, b]) => b['connection']).filter((c): c is string => typeof c === 'string'));
    expect(referenced.size).toBeGreaterThan(0);
    expect(connections).toEqual(new Set(['EVENTHUB', 'STORAGE']));
    for (const setting of referenced) expect(names, setting).toContain(setting);
    // A connection is a setting of that name (a connection string) or a group of `<name>__…` settings (identity).
    for (const connection of connections) expect(names.some((n) => n === connection || n.startsWith(`${connection}__`)), connection).toBe(true);
  });

  it('loads only files the package ships: compiled functions/ code (none of local/, no .ts) and production dependencies', async () => {
    const funcignore = ignore().add(await readFile(join(root, '.funcignore'), 'utf8'));
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const realRoot = await realpath(root);
    const files = report.resolved.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
    const ownFiles = files.filter((file) => file.startsWith(dir + sep)).map((file) => relative(dir, file).split(sep).join('/'));
    const packages = new Set(
      files
        .filter((file) => file.startsWith(join(realRoot, 'node_modules') + sep))
        .map((file) => {
          const path = relative(realRoot, file).split(sep).join('/');
          const at = path.lastIndexOf('node_modules/') + 'node_modules/'.length;
          const parts = path.slice(at).split('/');
          return path.slice(0, at) + (parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
        }),
    );
    expect(ownFiles).toContain('dist/functions/index.js');
    expect(ownFiles.filter((file) => !file.startsWith('dist/functions/') || !file.endsWith('.js'))).toEqual([]);
    expect(ownFiles.filter((file) => funcignore.ignores(file))).toEqual([]);
    expect(packages).toContain('node_modules/@azure/functions');
    // A production package may try an optional peer and go on without it (debug tries supports-color for colours):
    // that peer, and what it pulls in, may be a devDependency here and absent on Azure.
    const optional = new Set([...packages].flatMap((p) => optionalPeers(lock.packages, p)));
    const devOnly = [...packages].filter((p) => lock.packages[p] === undefined || lock.packages[p]?.dev === true);
    expect(devOnly.filter((p) => !optional.has(p))).toEqual([]);
  });
});

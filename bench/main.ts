// npm run bench [-- NAME ... --option value ...]: runs the named benchmarks (all by default), prints one table and
// writes bench/results.json with the machine's description. Not part of npm test: figures, not assertions.
// Options go to every bench that takes them (`npm run bench -- fetch --instances 3`).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { renderTable } from './lib/print.ts';
import { meetsTarget, type Bench, type BenchOptions, type Figure } from './lib/types.ts';

const registry: Record<string, () => Promise<Bench>> = {
  decode: async () => (await import('./stages/decode.ts')).decodeBench,
  table: async () => (await import('./stages/table.ts')).tableBench,
  seed: async () => (await import('./stages/seed.ts')).seedBench,
  scale: async () => (await import('./stages/scale.ts')).scaleBench,
  fetch: async () => (await import('./stages/fetch.ts')).fetchBench,
  query: async () => (await import('./stages/query.ts')).queryBench,
  fixed: async () => (await import('./stages/fixed.ts')).fixedBench,
  pipeline: async () => (await import('./stages/pipeline.ts')).pipelineBench,
};

/** Bench names, and `--name value` / `--name=value` options. */
function parseArgs(argv: readonly string[]): { wanted: string[]; options: BenchOptions } {
  const wanted: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const option = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!option) {
      if (!arg.startsWith('-')) wanted.push(arg);
      continue;
    }
    const value = option[2] ?? argv[i + 1];
    if (option[2] === undefined && value !== undefined && !value.startsWith('-')) i++;
    options[option[1]!] = value !== undefined && !value.startsWith('-') ? value : 'true';
  }
  return { wanted, options };
}

async function main(): Promise<void> {
  const { wanted, options } = parseArgs(process.argv.slice(2));
  const unknown = wanted.filter((name) => !(name in registry));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(registry).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = wanted.length > 0 ? wanted : Object.keys(registry);
  const rows: { bench: string; figure: Figure }[] = [];
  const loadBefore = loadavg();
  for (const name of names) {
    const bench = await registry[name]!();
    console.error(`… ${bench.name}: ${bench.description}`);
    const started = Date.now();
    try {
      for (const figure of await bench.run(options)) rows.push({ bench: bench.name, figure });
      console.error(`  ${bench.name} done in ${Math.round((Date.now() - started) / 1000)} s`);
    } catch (error) {
      // One broken bench must not cost the others' figures; the run still fails.
      console.error(`  ${bench.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      rows.push({ bench: bench.name, figure: { metric: 'FAILED (see the log)', value: Number.NaN, unit: '' } });
      process.exitCode = 1;
    }
  }
  console.log(renderTable(rows));
  console.log(`\n${rows.filter(({ figure }) => figure.note).map(({ bench, figure }) => `${bench} · ${figure.metric}: ${figure.note}`).join('\n')}`);
  const load = { before: loadBefore, after: loadavg() };
  console.log(`\nload average (1/5/15 min) before: ${load.before.map((l) => l.toFixed(2)).join(' ')}; after: ${load.after.map((l) => l.toFixed(2)).join(' ')}`);
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), load };
  const results = { at: new Date().toISOString(), machine, options, rows: rows.map(({ bench, figure }) => ({ bench, ...figure, met: meetsTarget(figure) })) };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  // Clients' sockets and timers left by a failed bench must not keep the process alive.
  process.exit();
}

await main();

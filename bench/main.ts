// npm run bench [-- NAME ...]: runs the named benchmarks (all by default), prints one table and writes
// bench/results.json with the machine's description. Not part of npm test: figures, not assertions.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { renderTable } from './lib/print.ts';
import { meetsTarget, type Bench, type Figure } from './lib/types.ts';

const registry: Record<string, () => Promise<Bench>> = {
  decode: async () => (await import('./stages/decode.ts')).decodeBench,
  table: async () => (await import('./stages/table.ts')).tableBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = wanted.filter((name) => !(name in registry));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(registry).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = wanted.length > 0 ? wanted : Object.keys(registry);
  const rows: { bench: string; figure: Figure }[] = [];
  for (const name of names) {
    const bench = await registry[name]!();
    console.error(`… ${bench.name}: ${bench.description}`);
    for (const figure of await bench.run()) rows.push({ bench: bench.name, figure });
  }
  console.log(renderTable(rows));
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
  const results = { at: new Date().toISOString(), machine, rows: rows.map(({ bench, figure }) => ({ bench, ...figure, met: meetsTarget(figure) })) };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}

await main();

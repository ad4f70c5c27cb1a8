// Packs recorded Open-Meteo cell files (one archive response per cell, all over the same hours) into the one
// gzip file the stand-in serves. Usage: node local/openmeteo/packCells.ts <cells-dir> [out.json.gz]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RECORDED_CELLS_FILE, type RecordedCells } from './recordedCells.ts';

interface CellFile {
  latitude: number;
  longitude: number;
  hourly: { time: string[]; temperature_2m: number[] };
}

const [dir, out = RECORDED_CELLS_FILE] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node local/openmeteo/packCells.ts <cells-dir> [out.json.gz]');
  process.exit(2);
}
const packed: RecordedCells = { firstHour: '', hours: 0, cells: [] };
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const cell = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CellFile;
  const { time, temperature_2m } = cell.hourly;
  if (!packed.firstHour) Object.assign(packed, { firstHour: time[0], hours: time.length });
  if (time[0] !== packed.firstHour || time.length !== packed.hours) throw new Error(`${name} covers other hours`);
  packed.cells.push({ latitude: cell.latitude, longitude: cell.longitude, temperature_2m });
}
writeFileSync(out, gzipSync(JSON.stringify(packed), { level: 9 }));
console.log(`packed ${packed.cells.length} cells × ${packed.hours} hours into ${out}`);

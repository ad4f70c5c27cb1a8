// The recorded Open-Meteo data (local/data/us50-2023/cells.json.gz: 48 ERA5 grid cells, hourly temperature_2m
// for 2023-01-01..2023-08-30, CC BY 4.0, see local/data/README.md) and the rule mapping a coordinate to a cell.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const RECORDED_CELLS_FILE = fileURLToPath(new URL('../data/us50-2023/cells.json.gz', import.meta.url));

export interface RecordedCell {
  latitude: number;
  longitude: number;
  temperature_2m: number[];
}

export interface RecordedCells {
  /** First hour of every series, `YYYY-MM-DDTHH:MM` UTC. */
  firstHour: string;
  hours: number;
  cells: RecordedCell[];
}

/** Farther than this from every cell, a coordinate gets synthetic data instead. */
export const NEAREST_CELL_MAX_DEGREES = 0.5;

export function loadRecordedCells(file = RECORDED_CELLS_FILE): RecordedCells {
  const data = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as RecordedCells;
  if (!Array.isArray(data.cells) || data.cells.some((c) => c.temperature_2m.length !== data.hours)) {
    throw new Error(`${file} is not a recorded-cells file`);
  }
  return data;
}

/** The cell nearest to (lat, lng), Euclidean in degrees, if within NEAREST_CELL_MAX_DEGREES. */
export function nearestCell(cells: readonly RecordedCell[], lat: number, lng: number): RecordedCell | undefined {
  let best: RecordedCell | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const cell of cells) {
    const distance = Math.hypot(cell.latitude - lat, cell.longitude - lng);
    if (distance < bestDistance) {
      best = cell;
      bestDistance = distance;
    }
  }
  return bestDistance <= NEAREST_CELL_MAX_DEGREES ? best : undefined;
}

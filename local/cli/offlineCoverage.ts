// --offline serves the bundled recording; anywhere else the stand-in could only make temperatures up. Before
// anything starts, every accepted line of the city file is checked against the recording (the same parser as
// ingest, the line's own range or --start/--end), so a run never passes invented data off as weather unless the
// user asked for synthetic data (--synthetic).
import { createReadStream } from 'node:fs';
import { readCityFile } from '../../functions/core/city/readCityFile.ts';
import { addDays } from '../../functions/core/dates.ts';
import { isRecorded } from '../openmeteo/archiveBody.ts';
import { NEAREST_CELL_MAX_DEGREES, nearestCell, type RecordedCells } from '../openmeteo/recordedCells.ts';
import { CLIError } from './errors.ts';

export interface UncoveredLine {
  line: number;
  city: string;
  reason: string;
}

/** The recording's first and last day. */
export function recordedRange(recorded: RecordedCells): { start: string; end: string } {
  const start = recorded.firstHour.slice(0, 10);
  return { start, end: addDays(start, Math.floor(recorded.hours / 24) - 1) };
}

export async function uncoveredLines(file: string, range: { start: string; end: string }, recorded: RecordedCells): Promise<UncoveredLine[]> {
  const covered = recordedRange(recorded);
  const found: UncoveredLine[] = [];
  for await (const line of readCityFile(createReadStream(file))) {
    if (!line.ok) continue; // ingest rejects it with its reason
    const asked = line.start !== undefined && line.end !== undefined ? { start: line.start, end: line.end } : range;
    if (isRecorded(recorded, line, asked)) continue;
    const reason = nearestCell(recorded.cells, line.lat, line.lng)
      ? `${asked.start}..${asked.end} is not within the recording's ${covered.start}..${covered.end}`
      : `no recorded grid cell within ${NEAREST_CELL_MAX_DEGREES}° of ${line.lat}, ${line.lng}`;
    found.push({ line: line.line, city: line.city, reason });
  }
  return found;
}

const SHOWN = 20;

/** Throws E_OFFLINE naming the lines the recording does not cover (with line numbers), if there are any. */
export async function assertRecordingCovers(file: string, range: { start: string; end: string }, recorded: RecordedCells): Promise<void> {
  const lines = await uncoveredLines(file, range, recorded);
  if (lines.length === 0) return;
  const covered = recordedRange(recorded);
  throw new CLIError('E_OFFLINE', [
    `--offline has recorded data only for the bundled cities from ${covered.start} to ${covered.end}; ${lines.length} line${lines.length === 1 ? '' : 's'} ask${lines.length === 1 ? 's' : ''} for more:`,
    ...lines.slice(0, SHOWN).map((l) => `  line ${l.line} (${l.city}): ${l.reason}`),
    ...(lines.length > SHOWN ? [`  … and ${lines.length - SHOWN} more`] : []),
    'Run without --offline to fetch real data, or add --synthetic to let the stand-in make temperatures up for them',
    '(every result computed from those is then marked synthetic: the table, the JSON, the dashboard and the ledger).',
  ].join('\n'));
}

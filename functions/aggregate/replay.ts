// Batch mode: recompute month aggregates from the raw/ blobs (the source of truth) with the same core as the
// stream, so that replay and stream produce identical entities.
import type { AggregateTable, Combine } from '../adapters/aggregateTable.ts';
import type { BlobStore } from '../adapters/blobs.ts';
import { decodeCityDayEvent } from '../core/aggregate/decodeCityDayEvent.ts';
import { dayRecord, type DayRecord } from '../core/aggregate/dayPartial.ts';
import { EMPTY_MONTH, mergeDays, rebaseDays } from '../core/aggregate/mergeDays.ts';
import { yearsOf } from '../core/aggregate/months.ts';
import type { CityDayEvent } from '../core/model.ts';
import type { ReplayRequest } from './batchRequest.ts';
import { forEachLimit } from './forEachLimit.ts';

export interface ReplayDeps {
  blobs: BlobStore;
  rawContainer: string;
  listCityIds: () => AsyncIterable<string>;
  liveTable: AggregateTable;
  sideTable: (name: string) => AggregateTable;
  /** Blob reads in flight per city. */
  readConcurrency?: number;
  cityConcurrency?: number;
}

export interface ReplayResult {
  target: string;
  cities: number;
  months: number;
  days: number;
  blobsRead: number;
  /** Raw blobs that could not be used, with the reason (also what the stream would have dead-lettered). */
  skipped: { blob: string; reason: string }[];
  tableOperations: number;
}

const RAW_DAY = /\/(\d{4}-\d{2}-\d{2})\.json$/;

/** A side table holds exactly what the blobs say: the stored state is ignored, so a corrupt entity is overwritten. */
const replaceAll: Combine = (_stored, incoming) => ({ month: mergeDays(EMPTY_MONTH, incoming).month, changed: Math.max(1, incoming.length) });

async function readCity(deps: ReplayDeps, cityId: string, from: string, to: string, result: ReplayResult) {
  const names: string[] = [];
  for (const year of yearsOf(from, to)) {
    for await (const name of deps.blobs.list(deps.rawContainer, `${cityId}/${year}/`)) {
      const month = RAW_DAY.exec(name)?.[1]?.slice(0, 7);
      if (month !== undefined && month >= from && month <= to) names.push(name);
    }
  }
  const events: CityDayEvent[] = [];
  await forEachLimit(names, deps.readConcurrency ?? 16, async (name) => {
    const text = await deps.blobs.getText(deps.rawContainer, name);
    if (text === undefined) return; // deleted since listed
    result.blobsRead++;
    const decoded = decodeCityDayEvent(text);
    if (!decoded.ok) return void result.skipped.push({ blob: name, reason: decoded.reason });
    if (decoded.event.cityId !== cityId || !name.endsWith(`/${decoded.event.date}.json`)) {
      return void result.skipped.push({ blob: name, reason: `content is ${decoded.event.cityId} ${decoded.event.date}, not what its name says` });
    }
    events.push(decoded.event);
  });
  return events;
}

export async function replay(deps: ReplayDeps, request: ReplayRequest): Promise<ReplayResult> {
  const result: ReplayResult = { target: request.target, cities: 0, months: 0, days: 0, blobsRead: 0, skipped: [], tableOperations: 0 };
  const live = request.target === 'live';
  const table = live ? deps.liveTable : deps.sideTable(request.target);
  if (!live) await table.ensureTable();
  let cityIds = request.cities;
  if (!cityIds) {
    cityIds = [];
    for await (const id of deps.listCityIds()) cityIds.push(id);
  }
  await forEachLimit(cityIds, deps.cityConcurrency ?? 4, async (cityId) => {
    // Reads finish in any order; sorting makes the run deterministic (which event names the place, fold order).
    const events = (await readCity(deps, cityId, request.from, request.to, result)).sort((a, b) => (a.date < b.date ? -1 : 1));
    const first = events[0];
    if (!first) return;
    const months = new Map<string, DayRecord[]>();
    for (const event of events) {
      const month = event.date.slice(0, 7);
      months.set(month, [...(months.get(month) ?? []), dayRecord(event)]);
    }
    const applied = await table.applyCity(cityId, { city: first.city, lat: first.lat, lng: first.lng }, months, live ? rebaseDays : replaceAll);
    result.cities++;
    result.months += months.size;
    result.days += events.length;
    result.tableOperations += applied.operations;
  });
  result.skipped.sort((a, b) => (a.blob < b.blob ? -1 : 1));
  return result;
}

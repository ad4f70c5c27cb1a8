// Batch mode: recompute month aggregates from the raw/ responses (the source of truth) with the stream's own code:
// each response normalised as ingest did (replayResponse), each day folded with the aggregator's merge (newest
// fetchedAt wins, mergeDays), so that replay and stream produce identical entities.
import type { AggregateTable, Combine } from '../adapters/aggregateTable.ts';
import type { BlobStore } from '../adapters/blobs.ts';
import { dayRecord, type DayRecord } from '../core/aggregate/dayPartial.ts';
import { EMPTY_MONTH, mergeDays, rebaseDays, sortedDays, type MonthState } from '../core/aggregate/mergeDays.ts';
import { replayResponse } from '../core/aggregate/replayResponse.ts';
import { firstDayOfMonth, lastDayOfMonth } from '../core/dates.ts';
import { parseRawResponseName, type RawResponseInfo } from '../core/weather/rawResponse.ts';
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
  /** Responses (or single days of one) that could not be used, by blob name, with the reason; never fatal. */
  skipped: { blob: string; reason: string }[];
  tableOperations: number;
}

/**
 * Bigger than any response ingest keeps (a 3,660-day window, FETCH_WINDOW_DAYS' ceiling, is ~2.1 MB), so a stray
 * huge blob is reported instead of read into memory (16 reads per city, 4 cities in flight).
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A side table holds exactly what the blobs say: the stored state is ignored, so a corrupt entity is overwritten. */
const replaceAll: Combine = (_stored, incoming) => ({ month: mergeDays(EMPTY_MONTH, incoming).month, changed: Math.max(1, incoming.length) });

interface CityDays {
  months: Map<string, MonthState>;
  /** The newest response that gave days: its city, lat and lng name the place, as the latest fetch's events do. */
  newest?: { info: RawResponseInfo; name: string };
}

function isNewer(info: RawResponseInfo, name: string, than: CityDays['newest']): boolean {
  if (!than) return true;
  const byTime = Date.parse(info.fetchedAt) - Date.parse(than.info.fetchedAt);
  return byTime !== 0 ? byTime > 0 : name > than.name;
}

async function readCity(deps: ReplayDeps, cityId: string, days: { from: string; to: string }, result: ReplayResult): Promise<CityDays> {
  const names: string[] = [];
  for await (const name of deps.blobs.list(deps.rawContainer, `${cityId}/`)) {
    const window = parseRawResponseName(name);
    if (!window) result.skipped.push({ blob: name, reason: 'name is not <cityId>/<start>_<end>/<fetchedAt>.json' });
    else if (window.start <= days.to && window.end >= days.from) names.push(name);
  }
  const city: CityDays = { months: new Map() };
  await forEachLimit(names, deps.readConcurrency ?? 16, async (name) => {
    const blob = await deps.blobs.getBytes(deps.rawContainer, name, { maxBytes: MAX_RESPONSE_BYTES });
    if (blob === undefined) return; // deleted since listed
    result.blobsRead++;
    if (blob.size > MAX_RESPONSE_BYTES) {
      return void result.skipped.push({ blob: name, reason: `${blob.size} bytes: larger than a response can be (${MAX_RESPONSE_BYTES} bytes), not read` });
    }
    const replayed = replayResponse(name, blob.body, blob.metadata, days);
    if (!replayed.ok) return void result.skipped.push({ blob: name, reason: replayed.reason });
    for (const { date, reason } of replayed.rejected) result.skipped.push({ blob: name, reason: `${date}: ${reason}` });
    if (replayed.events.length === 0) return;
    const byMonth = new Map<string, DayRecord[]>();
    for (const event of replayed.events) {
      const month = event.date.slice(0, 7);
      const records = byMonth.get(month);
      if (records) records.push(dayRecord(event));
      else byMonth.set(month, [dayRecord(event)]);
    }
    // mergeDays is commutative: the responses may land in any order and the months come out the same.
    for (const [month, records] of byMonth) city.months.set(month, mergeDays(city.months.get(month) ?? EMPTY_MONTH, records).month);
    if (isNewer(replayed.info, name, city.newest)) city.newest = { info: replayed.info, name };
  });
  return city;
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
  const days = { from: firstDayOfMonth(request.from), to: lastDayOfMonth(request.to) };
  await forEachLimit(cityIds, deps.cityConcurrency ?? 4, async (cityId) => {
    const { months, newest } = await readCity(deps, cityId, days, result);
    if (!newest) return;
    const place = { city: newest.info.city, lat: newest.info.lat, lng: newest.info.lng };
    const winners = new Map([...months].map(([month, state]) => [month, sortedDays(state)]));
    const applied = await table.applyCity(cityId, place, winners, live ? rebaseDays : replaceAll);
    result.cities++;
    result.months += winners.size;
    for (const list of winners.values()) result.days += list.length;
    result.tableOperations += applied.operations;
  });
  result.skipped.sort((a, b) => (a.blob < b.blob ? -1 : a.blob > b.blob ? 1 : a.reason < b.reason ? -1 : 1));
  return result;
}

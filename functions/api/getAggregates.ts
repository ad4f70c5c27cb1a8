// GET /api/aggregates?city=&from=YYYY-MM&to=YYYY-MM&groupBy=month|year|all&format=json|csv
// Month entities are read page by page and folded as they arrive; the body is streamed, one row per chunk.
import { odata, type TableClient } from '@azure/data-tables';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import { combineTotals, type MonthRow } from '../core/aggregate/foldTotals.ts';
import { monthTotalsFromEntity, TOTAL_PROPERTIES } from '../core/aggregate/monthEntity.ts';
import { slugCityId } from '../core/city/slugCityId.ts';
import { ValidationError } from '../errors.ts';
import { CITY_PARTITION } from './getCities.ts';
import { badRequest, notFound, streamBody } from './httpResponses.ts';
import { parseAggregatesQuery, type AggregatesQuery, type CityParam } from './queryParams.ts';
import { csvHeader, csvLine, type PeriodRow } from './aggregateRows.ts';

export interface GetAggregatesDeps { aggregates: AggregateTable; cities: TableClient }

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

/** A city id, or a name looked up exactly (ids given in a city file differ from the slug), else its slug. */
async function resolveCity(cities: TableClient, param: CityParam): Promise<{ cityId: string; city: string } | undefined> {
  if (param.kind === 'name') {
    const filter = odata`PartitionKey eq ${CITY_PARTITION} and city eq ${param.name}`;
    for await (const entity of cities.listEntities<{ city: string }>({ queryOptions: { filter, select: ['RowKey', 'city'] } })) {
      return { cityId: entity.rowKey ?? '', city: entity.city };
    }
  }
  const cityId = param.kind === 'id' ? param.cityId : slugCityId(param.name);
  try {
    const entity = await cities.getEntity<{ city: string }>(CITY_PARTITION, cityId);
    return { cityId, city: entity.city };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function* periodRows(deps: GetAggregatesDeps, cityId: string, q: AggregatesQuery): AsyncGenerator<PeriodRow> {
  let pending: MonthRow[] = [];
  let year: string | undefined;
  for await (const entity of deps.aggregates.listMonthEntities({ cityId, from: q.from, to: q.to, select: TOTAL_PROPERTIES })) {
    const row = monthTotalsFromEntity(entity);
    if (q.groupBy === 'month') {
      yield { period: row.month, ...row.totals };
      continue;
    }
    // Rows arrive in RowKey (= month) order, so a year is complete when the next one starts.
    if (q.groupBy === 'year' && year !== undefined && row.month.slice(0, 4) !== year) {
      yield { period: year, ...combineTotals(pending.map((r) => r.totals)) };
      pending = [];
    }
    year = row.month.slice(0, 4);
    pending.push(row);
  }
  if (q.groupBy === 'year' && year !== undefined) yield { period: year, ...combineTotals(pending.map((r) => r.totals)) };
  if (q.groupBy === 'all') yield { period: `${q.from}..${q.to}`, ...combineTotals(pending.map((r) => r.totals)) };
}

async function* jsonChunks(rows: AsyncIterable<PeriodRow>, head: Record<string, unknown>): AsyncGenerator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"rows":[`;
  let first = true;
  for await (const row of rows) {
    yield `${first ? '' : ','}\n${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]}\n';
}

async function* csvChunks(rows: AsyncIterable<PeriodRow>): AsyncGenerator<string> {
  yield csvHeader();
  for await (const row of rows) yield csvLine(row);
}

export function createGetAggregatesHandler(deps: GetAggregatesDeps) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let query: AggregatesQuery;
    try {
      query = parseAggregatesQuery(request.query);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
    const city = await resolveCity(deps.cities, query.city);
    if (!city) return notFound('city', 'no such city; GET /api/cities lists the known ones');
    context.log(`getAggregates invocation=${context.invocationId} city=${city.cityId} from=${query.from} to=${query.to} groupBy=${query.groupBy} format=${query.format}`);
    const rows = periodRows(deps, city.cityId, query);
    if (query.format === 'csv') {
      return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: streamBody(csvChunks(rows)) };
    }
    const head = { cityId: city.cityId, city: city.city, from: query.from, to: query.to, groupBy: query.groupBy };
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: streamBody(jsonChunks(rows, head)) };
  };
}

// GET /api/aggregates?city=&from=YYYY-MM&to=YYYY-MM&groupBy=city,year,month,day&bbox=&format=json|csv
// Ad-hoc queries over the month entities of one, some or every city; the body is streamed, one row per chunk.
import type { TableClient } from '@azure/data-tables';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AggregateTable } from '../adapters/aggregateTable.ts';
import { columnsFor } from '../core/query/columns.ts';
import { formatGroupBy } from '../core/query/groupBy.ts';
import { ValidationError } from '../errors.ts';
import { parseAggregatesQuery, type AggregatesQuery } from './aggregatesParams.ts';
import { badRequest, notFound, streamBody } from './httpResponses.ts';
import { queryAggregates, type AggregateQuery } from './queryAggregates.ts';
import { csvChunks, jsonChunks } from './queryBody.ts';
import { resolveCities, type ResolvedCity } from './resolveCities.ts';

export interface GetAggregatesDeps {
  aggregates: AggregateTable;
  cities: TableClient;
  /** Entities per table page; only tests change it. */
  pageSize?: number;
}

/** What the response echoes besides the rows; one city keeps the `cityId` and `city` older callers read. */
function headOf(query: AggregatesQuery, selected: readonly ResolvedCity[] | undefined): Record<string, unknown> {
  return {
    ...(selected?.length === 1 ? { cityId: selected[0]!.cityId, city: selected[0]!.city } : {}),
    ...(selected && selected.length > 1 ? { selectedCities: selected } : {}),
    from: query.from,
    to: query.to,
    groupBy: formatGroupBy(query.groupBy),
    ...(query.bbox ? { bbox: query.bbox } : {}),
  };
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
    let selected: ResolvedCity[] | undefined;
    if (query.cities) {
      const { found, unknown } = await resolveCities(deps.cities, query.cities);
      if (unknown.length > 0) {
        const shown = unknown.slice(0, 5).map((u) => JSON.stringify(u.slice(0, 40))).join(', ');
        return notFound('city', `no such city: ${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}; GET /api/cities lists the known ones`);
      }
      selected = found;
    }
    // One named city answers that city's rows (the columns cityId, city, lat, lng): folding one city "across
    // cities" gives the same numbers, and these are the columns its callers had before cities could be folded.
    if (selected?.length === 1 && !query.groupBy.city) query = { ...query, groupBy: { ...query.groupBy, city: true } };
    const spec: AggregateQuery = {
      groupBy: query.groupBy,
      from: query.from,
      to: query.to,
      ...(selected ? { cityIds: selected.map((c) => c.cityId) } : {}),
      ...(query.bbox ? { bbox: query.bbox } : {}),
      ...(deps.pageSize ? { pageSize: deps.pageSize } : {}),
    };
    context.log(`getAggregates invocation=${context.invocationId} cities=${selected ? selected.length : 'all'} from=${query.from} to=${query.to} groupBy=${formatGroupBy(query.groupBy)} bbox=${query.bbox ? 'yes' : 'no'} format=${query.format}`);
    const rows = queryAggregates(deps.aggregates, spec);
    const columns = columnsFor(query.groupBy);
    if (query.format === 'csv') {
      return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: streamBody(csvChunks(rows, columns)) };
    }
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: streamBody(jsonChunks(rows, headOf(query, selected), columns)) };
  };
}

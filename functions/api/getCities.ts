// GET /api/cities: the cities ingest has registered, one page per request.
import { odata, type TableClient } from '@azure/data-tables';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ValidationError } from '../errors.ts';
import { firstPage, parseContinuationToken } from './continuationToken.ts';
import { badRequest } from './httpResponses.ts';
import { parseCitiesQuery } from './queryParams.ts';

/** The cities table's layout, written by ingest: PartitionKey `city`, RowKey cityId. */
export const CITY_PARTITION = 'city';

export interface CityRow { cityId: string; city: string; lat: number; lng: number; updatedAt?: string }

export function cityRow(entity: Record<string, unknown>): CityRow {
  return {
    cityId: String(entity.rowKey),
    city: String(entity.city),
    lat: Number(entity.lat),
    lng: Number(entity.lng),
    ...(typeof entity.updatedAt === 'string' ? { updatedAt: entity.updatedAt } : entity.updatedAt instanceof Date ? { updatedAt: entity.updatedAt.toISOString() } : {}),
  };
}

export function createGetCitiesHandler(deps: { cities: TableClient }) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const query = parseCitiesQuery(request.query);
      parseContinuationToken(query.continuationToken ?? null);
      const pages = deps.cities
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${CITY_PARTITION}`, select: ['RowKey', 'city', 'lat', 'lng', 'updatedAt'] } })
        .byPage({ maxPageSize: query.pageSize, ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}) });
      return listing(await firstPage(pages), context);
    } catch (error) {
      if (error instanceof ValidationError) return badRequest(error);
      throw error;
    }
  };
}

function listing(page: IteratorResult<Record<string, unknown>[] & { continuationToken?: string }>, context: InvocationContext): HttpResponseInit {
  const entities = page.done ? [] : page.value;
  const continuationToken = page.done ? undefined : page.value.continuationToken;
  context.log(`getCities invocation=${context.invocationId} returned=${entities.length} more=${continuationToken !== undefined}`);
  return { status: 200, jsonBody: { cities: entities.map(cityRow), ...(continuationToken ? { continuationToken } : {}) } };
}

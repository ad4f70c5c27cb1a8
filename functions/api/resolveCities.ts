// The `city` parameter's items resolved against the cities table: an id exactly; a name exactly as registered
// (ids given in a city file differ from the slug), else by its slug. Unknown items are reported, not dropped.
import { odata, type TableClient } from '@azure/data-tables';
import { forEachLimit } from '../aggregate/forEachLimit.ts';
import { slugCityId } from '../core/city/slugCityId.ts';
import type { CityList, CityParam } from './aggregatesParams.ts';
import { CITY_PARTITION } from './getCities.ts';

export interface ResolvedCity { cityId: string; city: string }

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

export async function resolveCity(cities: TableClient, param: CityParam): Promise<ResolvedCity | undefined> {
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

/** Every city of the list once, in cityId order (the order a scan of the aggregates table would meet them). */
export async function resolveCities(cities: TableClient, list: CityList): Promise<{ found: ResolvedCity[]; unknown: string[] }> {
  if (list.whole) {
    const one = await resolveCity(cities, list.whole);
    if (one) return { found: [one], unknown: [] };
  }
  const results: (ResolvedCity | undefined)[] = new Array(list.items.length);
  await forEachLimit(list.items.map((item, index) => ({ item, index })), 8, async ({ item, index }) => {
    results[index] = await resolveCity(cities, item);
  });
  const byId = new Map<string, ResolvedCity>();
  const unknown: string[] = [];
  list.items.forEach((item, i) => {
    const found = results[i];
    if (found) byId.set(found.cityId, found);
    else unknown.push(item.kind === 'id' ? item.cityId : item.name);
  });
  return { found: [...byId.values()].sort((a, b) => (a.cityId < b.cityId ? -1 : a.cityId > b.cityId ? 1 : 0)), unknown };
}

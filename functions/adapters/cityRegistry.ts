// The cities table: every city any file has accepted (PartitionKey "city", RowKey cityId). refreshRecent and the
// API read it; onCityFile upserts into it in entity-group transactions (one partition, ≤ 100 actions each).
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { City } from '../core/model.ts';

export const CITY_PARTITION = 'city';
const MAX_TRANSACTION_ACTIONS = 100;

export interface CityRegistry {
  /** Upserts (replace) the cities, `updatedAt` = now; a city listed twice keeps its last entry. */
  upsert(cities: readonly City[], now: Date): Promise<void>;
  /** Every registered city, in cityId order, read page by page. */
  list(): AsyncIterable<City & { updatedAt?: Date }>;
}

export function createCityRegistry(table: TableClient): CityRegistry {
  return {
    async upsert(cities, now) {
      // One transaction may not touch the same entity twice, so collapse repeats first.
      const unique = [...new Map(cities.map((c) => [c.cityId, c])).values()];
      for (let i = 0; i < unique.length; i += MAX_TRANSACTION_ACTIONS) {
        const actions = unique.slice(i, i + MAX_TRANSACTION_ACTIONS).map(
          (c): TransactionAction => [
            'upsert',
            { partitionKey: CITY_PARTITION, rowKey: c.cityId, city: c.city, lat: { value: String(c.lat), type: 'Double' }, lng: { value: String(c.lng), type: 'Double' }, updatedAt: now },
            'Replace',
          ],
        );
        await table.submitTransaction(actions);
      }
    },
    async *list() {
      const entities = table.listEntities<{ city: string; lat: number; lng: number; updatedAt?: Date }>({
        queryOptions: { filter: `PartitionKey eq '${CITY_PARTITION}'`, select: ['RowKey', 'city', 'lat', 'lng', 'updatedAt'] },
      });
      for await (const entity of entities) {
        if (typeof entity.rowKey !== 'string') continue;
        yield {
          cityId: entity.rowKey,
          city: entity.city,
          lat: Number(entity.lat),
          lng: Number(entity.lng),
          ...(entity.updatedAt ? { updatedAt: new Date(entity.updatedAt) } : {}),
        };
      }
    },
  };
}

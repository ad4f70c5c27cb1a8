// GET /api/cities (function key): the registered cities, paged.
import { createGetCitiesHandler } from '../api/getCities.ts';
import { CITIES_PARAMETERS } from '../api/queryParams.ts';
import type { HttpFunction } from '../app/definition.ts';
import { RESOURCES } from '../config/settings.ts';

export const getCities: HttpFunction = {
  name: 'getCities',
  trigger: { type: 'http', route: 'cities', methods: ['GET'], authLevel: 'function' },
  parameters: { query: CITIES_PARAMETERS },
  handler: (app) => createGetCitiesHandler({ cities: app.clients.table(RESOURCES.citiesTable) }),
};

// Query parts for the core query tests; override any field.
import type { QueryPart } from '../../../../functions/core/query/foldGroup.ts';

export const part = (over: Partial<QueryPart>): QueryPart => ({
  cityId: 'a', city: 'A', lat: 10, lng: 20, period: '2023-01', min: 0, max: 10, minAt: '2023-01-01T00:00:00Z', maxAt: '2023-01-01T12:00:00Z',
  sum: 50, count: 10, missingHours: 0, days: 1, ...over,
});

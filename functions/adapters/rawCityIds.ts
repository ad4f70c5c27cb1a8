// The city ids that have raw responses: the first path segment of raw/<cityId>/<start>_<end>/<fetchedAt>.json,
// listed by hierarchy so the cost is one request per 5,000 cities rather than one per blob.
import type { BlobServiceClient } from '@azure/storage-blob';

export async function* listRawCityIds(service: BlobServiceClient, container: string): AsyncIterable<string> {
  for await (const item of service.getContainerClient(container).listBlobsByHierarchy('/')) {
    if (item.kind === 'prefix') yield item.name.replace(/\/$/, '');
  }
}

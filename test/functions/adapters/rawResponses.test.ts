import { BlobServiceClient } from '@azure/storage-blob';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createBlobStore, type BlobStore } from '../../../functions/adapters/blobs.ts';
import { keepRawResponse, MAX_NAME_COPIES } from '../../../functions/adapters/rawResponses.ts';
import { rawResponseMetadata, rawResponseName, type RawResponseInfo } from '../../../functions/core/weather/rawResponse.ts';
import { uniqueName } from '../aggregate/fixtures.ts';

const connectionString = inject('azuriteConnectionString');
let service: BlobServiceClient;
let blobs: BlobStore;
let container: string;

beforeAll(async () => {
  service = BlobServiceClient.fromConnectionString(connectionString);
  blobs = createBlobStore(service);
  container = uniqueName('raw-keep-');
  await service.getContainerClient(container).create();
});

let n = 0;
const info = (over: Partial<RawResponseInfo> = {}): RawResponseInfo => ({
  cityId: `city-${++n}`, city: 'Zürich, ZH, CH', lat: 47.37, lng: 8.54, start: '2023-01-01', end: '2023-01-31',
  fetchedAt: '2023-09-23T10:00:00.000Z', runId: 'run-1', model: 'era5', ...over,
});
const body = (text = '{"latitude":47.375,"hourly":{}}') => Buffer.from(text, 'utf8');

async function names(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const name of blobs.list(container, `${prefix}/`)) out.push(name);
  return out;
}

describe('createBlobStore', () => {
  it('createIfAbsent creates a blob once and never replaces it', async () => {
    const name = uniqueName('once-');
    expect(await blobs.createIfAbsent(container, name, body('first'), { contentType: 'text/plain', metadata: { a: '1' } })).toBe(true);
    expect(await blobs.createIfAbsent(container, name, body('second'), { contentType: 'text/plain', metadata: { a: '2' } })).toBe(false);
    expect(await blobs.getBytes(container, name)).toEqual({ body: body('first'), metadata: { a: '1' }, size: 5 });
  });

  it('getBytes reads bytes, metadata and size, and only the size of a blob over maxBytes', async () => {
    const name = uniqueName('sized-');
    await blobs.createIfAbsent(container, name, body('0123456789'), { contentType: 'text/plain', metadata: { a: '1' } });
    expect(await blobs.getBytes(container, name, { maxBytes: 10 })).toEqual({ body: body('0123456789'), metadata: { a: '1' }, size: 10 });
    expect(await blobs.getBytes(container, name, { maxBytes: 9 })).toEqual({ body: Buffer.alloc(0), metadata: { a: '1' }, size: 10 });
  });

  it('getBytes answers undefined for a blob that does not exist', async () => {
    expect(await blobs.getBytes(container, uniqueName('none-'))).toBeUndefined();
  });
});

describe('keepRawResponse', () => {
  it('keeps the bytes as given, with the metadata replay reads, under the response name', async () => {
    const kept = info();
    const name = await keepRawResponse(blobs, container, kept, body());
    expect(name).toBe(rawResponseName(kept));
    expect(await blobs.getBytes(container, name)).toEqual({ body: body(), metadata: rawResponseMetadata(kept), size: body().length });
    const properties = await service.getContainerClient(container).getBlobClient(name).getProperties();
    expect(properties.contentType).toBe('application/json; charset=utf-8');
  });

  it('keeps the same response once, even from another run, and leaves the blob untouched', async () => {
    const kept = info();
    const name = await keepRawResponse(blobs, container, kept, body());
    const etag = (await service.getContainerClient(container).getBlobClient(name).getProperties()).etag;
    expect(await keepRawResponse(blobs, container, kept, body())).toBe(name);
    expect(await keepRawResponse(blobs, container, { ...kept, runId: 'run-2' }, body())).toBe(name);
    expect(await names(kept.cityId)).toEqual([name]);
    expect((await service.getContainerClient(container).getBlobClient(name).getProperties()).etag).toBe(etag);
  });

  it('puts another response that collides on the name under the next copy name, losing neither', async () => {
    const kept = info();
    const first = await keepRawResponse(blobs, container, kept, body('{"a":1}'));
    const other = await keepRawResponse(blobs, container, kept, body('{"a":2}'));
    const renamed = await keepRawResponse(blobs, container, { ...kept, city: 'Zurich' }, body('{"a":1}'));
    expect([first, other, renamed]).toEqual([rawResponseName(kept), rawResponseName(kept, 1), rawResponseName(kept, 2)]);
    expect((await blobs.getBytes(container, first))?.body).toEqual(body('{"a":1}'));
    expect((await blobs.getBytes(container, other))?.body).toEqual(body('{"a":2}'));
    expect(await names(kept.cityId)).toEqual([first, other, renamed]);
  });

  it('fails with E_CONFLICT once every copy name is taken by other responses', async () => {
    const kept = info();
    await Promise.all(Array.from({ length: MAX_NAME_COPIES }, (_, copy) =>
      blobs.createIfAbsent(container, rawResponseName(kept, copy), body(`{"copy":${copy}}`), { contentType: 'application/json', metadata: rawResponseMetadata(kept) })));
    await expect(keepRawResponse(blobs, container, kept, body('{"copy":"one too many"}'))).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(await names(kept.cityId)).toHaveLength(MAX_NAME_COPIES);
  });
});

// Blob Storage behind a small interface: what ingest, the batch replay and the dead-letter path need.
import type { BlobServiceClient } from '@azure/storage-blob';

export interface BlobStore {
  /** Writes (or overwrites) a JSON document; writes are idempotent by name. */
  putJson(container: string, name: string, value: unknown, metadata?: Record<string, string>): Promise<void>;
  /**
   * Creates a blob only when none has this name (`If-None-Match: *`), so nothing can replace it: true when created,
   * false when a blob of that name exists (left untouched). Also false when the SDK's retry of a PUT whose answer
   * was lost finds the blob its first try wrote: the caller compares contents when that matters.
   */
  createIfAbsent(container: string, name: string, body: Uint8Array, options: { contentType: string; metadata?: Record<string, string> }): Promise<boolean>;
  /**
   * Reads a blob's bytes, metadata and size, or undefined when it does not exist. A blob larger than `maxBytes` is
   * not read: its body comes back empty, with its size.
   */
  getBytes(container: string, name: string, options?: { maxBytes?: number }): Promise<{ body: Buffer; metadata: Record<string, string>; size: number } | undefined>;
  /** Reads a blob as text, or undefined when it does not exist. */
  getText(container: string, name: string): Promise<string | undefined>;
  /** Streams a blob's bytes (a city file may be large); undefined when it does not exist. */
  openRead(container: string, name: string): Promise<{ stream: NodeJS.ReadableStream; metadata: Record<string, string>; etag: string; lastModified?: Date } | undefined>;
  /** Deletes a blob if it exists; true when one was deleted. */
  deleteIfExists(container: string, name: string): Promise<boolean>;
  /** Lists blob names under a prefix, in name order. */
  list(container: string, prefix?: string): AsyncIterable<string>;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

/** A conditional create that found the name taken: 409 BlobAlreadyExists (412 if a service reports the condition). */
function isAlreadyThere(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  return (statusCode === 409 && code === 'BlobAlreadyExists') || (statusCode === 412 && code === 'ConditionNotMet');
}

export function createBlobStore(service: BlobServiceClient): BlobStore {
  return {
    async putJson(container, name, value, metadata) {
      const body = Buffer.from(JSON.stringify(value), 'utf8');
      await service.getContainerClient(container).getBlockBlobClient(name).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        ...(metadata ? { metadata } : {}),
      });
    },
    async createIfAbsent(container, name, body, options) {
      try {
        await service.getContainerClient(container).getBlockBlobClient(name).upload(body, body.byteLength, {
          blobHTTPHeaders: { blobContentType: options.contentType },
          conditions: { ifNoneMatch: '*' },
          ...(options.metadata ? { metadata: options.metadata } : {}),
        });
        return true;
      } catch (error) {
        if (isAlreadyThere(error)) return false;
        throw error;
      }
    },
    async getBytes(container, name, options) {
      try {
        const response = await service.getContainerClient(container).getBlobClient(name).download();
        const stream = response.readableStreamBody;
        if (!stream) return undefined;
        const metadata = response.metadata ?? {};
        const size = response.contentLength ?? 0;
        if (options?.maxBytes !== undefined && size > options.maxBytes) {
          (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
          return { body: Buffer.alloc(0), metadata, size };
        }
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
        return { body: Buffer.concat(chunks), metadata, size };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async getText(container, name) {
      try {
        const buffer = await service.getContainerClient(container).getBlobClient(name).downloadToBuffer();
        return buffer.toString('utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async openRead(container, name) {
      try {
        const response = await service.getContainerClient(container).getBlobClient(name).download();
        if (!response.readableStreamBody) return undefined;
        return {
          stream: response.readableStreamBody, metadata: response.metadata ?? {}, etag: response.etag ?? '',
          ...(response.lastModified ? { lastModified: response.lastModified } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async deleteIfExists(container, name) {
      const response = await service.getContainerClient(container).getBlobClient(name).deleteIfExists();
      return response.succeeded;
    },
    async *list(container, prefix) {
      for await (const blob of service.getContainerClient(container).listBlobsFlat(prefix ? { prefix } : {})) {
        yield blob.name;
      }
    },
  };
}

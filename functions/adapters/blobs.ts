// Blob Storage behind a small interface: what ingest, the batch replay and the dead-letter path need.
import type { BlobServiceClient } from '@azure/storage-blob';

export interface BlobStore {
  /** Writes (or overwrites) a JSON document; writes are idempotent by name. */
  putJson(container: string, name: string, value: unknown, metadata?: Record<string, string>): Promise<void>;
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

export function createBlobStore(service: BlobServiceClient): BlobStore {
  return {
    async putJson(container, name, value, metadata) {
      const body = Buffer.from(JSON.stringify(value), 'utf8');
      await service.getContainerClient(container).getBlockBlobClient(name).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        ...(metadata ? { metadata } : {}),
      });
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

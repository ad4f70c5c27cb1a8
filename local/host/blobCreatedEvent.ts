// The Event Grid-schema `Microsoft.Storage.BlobCreated` event that Azure delivers to the `city-files` queue.
// Azurite emits no events, so the local host builds the same message for each new blob it sees.
import { randomUUID } from 'node:crypto';

export interface BlobCreatedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: 'Microsoft.Storage.BlobCreated';
  eventTime: string;
  dataVersion: string;
  metadataVersion: '1';
  data: {
    api: 'PutBlob' | 'PutBlockList';
    clientRequestId: string;
    requestId: string;
    eTag: string;
    contentType: string;
    contentLength: number;
    blobType: 'BlockBlob' | 'AppendBlob' | 'PageBlob';
    url: string;
    sequencer: string;
    storageDiagnostics: { batchId: string };
  };
}

export interface CreatedBlob {
  accountName: string;
  container: string;
  name: string;
  url: string;
  etag: string;
  contentType: string | undefined;
  contentLength: number;
  blobType: string | undefined;
  lastModified: Date;
}

// No subscription exists locally; a fixed, obviously-local one keeps the topic in Azure's shape.
const LOCAL_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** Event Grid orders events per blob by `sequencer`, a 32-hex-digit string that grows with each write. */
export function sequencerFor(lastModified: Date, counter: number): string {
  return lastModified.getTime().toString(16).padStart(16, '0') + counter.toString(16).padStart(16, '0');
}

export function blobCreatedEvent(blob: CreatedBlob, counter: number, now: Date = new Date()): BlobCreatedEvent {
  const blobType = blob.blobType === 'AppendBlob' || blob.blobType === 'PageBlob' ? blob.blobType : 'BlockBlob';
  return {
    id: randomUUID(),
    topic: `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/${blob.accountName}`,
    subject: `/blobServices/default/containers/${blob.container}/blobs/${blob.name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: now.toISOString(),
    dataVersion: '',
    metadataVersion: '1',
    data: {
      api: 'PutBlob',
      clientRequestId: randomUUID(),
      requestId: randomUUID(),
      eTag: blob.etag.replace(/^"|"$/g, ''),
      contentType: blob.contentType ?? 'application/octet-stream',
      contentLength: blob.contentLength,
      blobType,
      url: blob.url,
      sequencer: sequencerFor(blob.lastModified, counter),
      storageDiagnostics: { batchId: randomUUID() },
    },
  };
}

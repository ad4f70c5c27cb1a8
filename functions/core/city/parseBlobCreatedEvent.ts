// The queue message onCityFile receives: what Event Grid delivers to a storage queue for a new blob, in the Event
// Grid schema (eventType) or the CloudEvents 1.0 schema (type), one event or an array of them. Only the blob's
// container and name matter here; the rest of the event is ignored.

export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';
const MAX_BLOB_NAME_LENGTH = 1024;
const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

export type BlobCreatedEvent =
  | { ok: true; container: string; blobName: string; eventId?: string }
  /** Not a new-blob event we act on; `reason` is for the log. */
  | { ok: false; reason: string };

function blobFromUrl(url: unknown): { container: string; blobName: string } | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    // Path: /<container>/<blob> on Azure, /<account>/<container>/<blob> on Azurite-style endpoints.
    const segments = new URL(url).pathname.split('/').slice(1);
    const offset = /^devstoreaccount\d*$/.test(segments[0] ?? '') ? 1 : 0;
    const container = segments[offset];
    const blobName = segments.slice(offset + 1).map(decodeURIComponent).join('/');
    return container && blobName ? { container, blobName } : undefined;
  } catch {
    return undefined;
  }
}

/** Why a blob name is unsafe to act on, or undefined when it is fine. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the blob name is empty';
  if (name.length > MAX_BLOB_NAME_LENGTH) return `the blob name is longer than ${MAX_BLOB_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return 'the blob name contains a backslash or control characters';
  if (name.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return 'the blob name has an empty, "." or ".." path segment';
  }
  return undefined;
}

function one(event: unknown): BlobCreatedEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return { ok: false, reason: 'the event is not a JSON object' };
  const record = event as Record<string, unknown>;
  const type = record.eventType ?? record.type;
  if (type !== BLOB_CREATED) return { ok: false, reason: `the event type is ${JSON.stringify(type)}, not ${BLOB_CREATED}` };
  const eventId = typeof record.id === 'string' ? record.id : undefined;
  const subject = typeof record.subject === 'string' ? SUBJECT.exec(record.subject) : null;
  const data = typeof record.data === 'object' && record.data !== null ? (record.data as Record<string, unknown>) : {};
  const target = subject ? { container: subject[1]!, blobName: subject[2]! } : blobFromUrl(data.url);
  if (!target) return { ok: false, reason: 'the event has neither a blob subject nor a data.url' };
  const problem = blobNameProblem(target.blobName);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, ...target, ...(eventId ? { eventId } : {}) };
}

/** Accepts a parsed message, its JSON text, one event or an array of events. */
export function parseBlobCreatedEvents(message: unknown): BlobCreatedEvent[] {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [{ ok: false, reason: 'the message is not JSON' }];
    }
  }
  if (Array.isArray(value)) return value.length > 0 ? value.map(one) : [{ ok: false, reason: 'the message is an empty array' }];
  return [one(value)];
}

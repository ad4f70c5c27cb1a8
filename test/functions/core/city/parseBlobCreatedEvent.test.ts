import { describe, expect, it } from 'vitest';
import { blobNameProblem, parseBlobCreatedEvents } from '../../../../functions/core/city/parseBlobCreatedEvent.ts';

const eventGrid = (subject: string, extra: Record<string, unknown> = {}) => ({
  id: 'e1',
  topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st',
  subject,
  eventType: 'Microsoft.Storage.BlobCreated',
  eventTime: '2024-01-01T00:00:00Z',
  data: { api: 'PutBlob', url: 'https://st.blob.core.windows.net/cities/x.jsonl', eTag: '"0x1"' },
  dataVersion: '',
  ...extra,
});

describe('parseBlobCreatedEvents', () => {
  it('takes container and blob name from an Event Grid subject', () => {
    expect(parseBlobCreatedEvents(eventGrid('/blobServices/default/containers/cities/blobs/us/cities 2023.jsonl'))).toEqual([
      { ok: true, container: 'cities', blobName: 'us/cities 2023.jsonl', eventId: 'e1' },
    ]);
  });

  it('reads a CloudEvents-schema event, its JSON text, and arrays of events', () => {
    const cloud = { specversion: '1.0', type: 'Microsoft.Storage.BlobCreated', id: 'c1', subject: '/blobServices/default/containers/cities/blobs/a.jsonl', data: {} };
    expect(parseBlobCreatedEvents(JSON.stringify([cloud, eventGrid('/blobServices/default/containers/cities/blobs/b.jsonl')]))).toEqual([
      { ok: true, container: 'cities', blobName: 'a.jsonl', eventId: 'c1' },
      { ok: true, container: 'cities', blobName: 'b.jsonl', eventId: 'e1' },
    ]);
  });

  it('falls back to data.url (decoded, Azure or Azurite style) when there is no subject', () => {
    const azure = { eventType: 'Microsoft.Storage.BlobCreated', data: { url: 'https://st.blob.core.windows.net/cities/new%20york.jsonl' } };
    const azurite = { eventType: 'Microsoft.Storage.BlobCreated', data: { url: 'http://127.0.0.1:10000/devstoreaccount1/cities/dir/a.jsonl' } };
    expect(parseBlobCreatedEvents([azure, azurite])).toEqual([
      { ok: true, container: 'cities', blobName: 'new york.jsonl' },
      { ok: true, container: 'cities', blobName: 'dir/a.jsonl' },
    ]);
  });

  it.each([
    ['not json {', /the message is not JSON/],
    [[], /empty array/],
    [42, /not a JSON object/],
    [{ ...eventGrid('/blobServices/default/containers/cities/blobs/a'), eventType: 'Microsoft.Storage.BlobDeleted' }, /"Microsoft.Storage.BlobDeleted", not Microsoft.Storage.BlobCreated/],
    [{ eventType: 'Microsoft.Storage.BlobCreated', subject: 'nonsense', data: {} }, /neither a blob subject nor a data.url/],
    [eventGrid('/blobServices/default/containers/cities/blobs/../secrets.jsonl'), /"\.\." path segment/],
  ])('answers a non-actionable event %j with a reason', (message, reason) => {
    const [result] = parseBlobCreatedEvents(message);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('blobNameProblem', () => {
  it.each([
    ['', /empty/],
    ['a'.repeat(1025), /longer than 1024/],
    ['a\\b', /backslash/],
    ['a\nb', /control/],
    ['a//b', /empty, "\." or "\.\." path segment/],
    ['./a', /path segment/],
    ['a/..', /path segment/],
  ])('finds a problem with %j', (name, problem) => {
    expect(blobNameProblem(name)).toMatch(problem);
  });

  it('accepts an ordinary nested name', () => {
    expect(blobNameProblem('2024/us-cities.jsonl')).toBeUndefined();
  });
});

describe('parseBlobCreatedEvents, exactly', () => {
  const created = { eventType: 'Microsoft.Storage.BlobCreated' };
  const fromUrl = (url: string) => parseBlobCreatedEvents({ ...created, data: { url } })[0];

  it('takes a subject only when it runs to its end (a newline in it does not leave a cut name)', () => {
    expect(parseBlobCreatedEvents({ ...created, subject: '/blobServices/default/containers/cities/blobs/a.jsonl\nb' })).toEqual([
      { ok: false, reason: 'the event has neither a blob subject nor a data.url' },
    ]);
  });

  it('skips an Azurite account segment (devstoreaccount with or without digits), and only that exact word', () => {
    expect(fromUrl('http://127.0.0.1:10000/devstoreaccount/cities/a.jsonl')).toEqual({ ok: true, container: 'cities', blobName: 'a.jsonl' });
    expect(fromUrl('http://127.0.0.1:10000/devstoreaccount12/cities/a.jsonl')).toEqual({ ok: true, container: 'cities', blobName: 'a.jsonl' });
    expect(fromUrl('https://st.blob.core.windows.net/mydevstoreaccount1/a.jsonl')).toEqual({ ok: true, container: 'mydevstoreaccount1', blobName: 'a.jsonl' });
    expect(fromUrl('https://st.blob.core.windows.net/devstoreaccount1x/a.jsonl')).toEqual({ ok: true, container: 'devstoreaccount1x', blobName: 'a.jsonl' });
  });

  it.each([
    ['null', null],
    ['JSON null', 'null'],
  ])('answers %s as not a JSON object', (_label, message) => {
    expect(parseBlobCreatedEvents(message)).toEqual([{ ok: false, reason: 'the event is not a JSON object' }]);
  });

  it.each([
    ['no data', { ...created }],
    ['null data', { ...created, data: null }],
    ['data that is text', { ...created, data: 'https://st.blob.core.windows.net/cities/a.jsonl' }],
  ])('answers an event with no subject and %s as having no blob', (_label, event) => {
    expect(parseBlobCreatedEvents(event)).toEqual([{ ok: false, reason: 'the event has neither a blob subject nor a data.url' }]);
  });
});

describe('blobNameProblem, exactly', () => {
  it('names an empty name as empty (not as an empty segment)', () => {
    expect(blobNameProblem('')).toBe('the blob name is empty');
  });

  it('accepts a name of exactly 1024 characters and refuses 1025', () => {
    expect(blobNameProblem('a'.repeat(1024))).toBeUndefined();
    expect(blobNameProblem('a'.repeat(1025))).toBe('the blob name is longer than 1024 characters');
  });
});

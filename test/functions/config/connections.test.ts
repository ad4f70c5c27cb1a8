import { describe, expect, it } from 'vitest';
import { parseEventHubConnection, parseStorageConnection } from '../../../functions/config/connections.ts';
import { ConfigError } from '../../../functions/errors.ts';

const AZURITE = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

describe('parseStorageConnection', () => {
  it('takes a connection string from the setting itself', () => {
    expect(parseStorageConnection({ STORAGE: ` ${AZURITE} ` }, 'STORAGE')).toEqual({ kind: 'connectionString', connectionString: AZURITE });
  });

  it('expands UseDevelopmentStorage=true to the Azurite account on its default ports', () => {
    const parsed = parseStorageConnection({ STORAGE: 'UseDevelopmentStorage=true' }, 'STORAGE');
    expect(parsed.kind).toBe('connectionString');
    if (parsed.kind === 'connectionString') {
      expect(parsed.connectionString).toContain('AccountName=devstoreaccount1');
      expect(parsed.connectionString).toContain('QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1');
      expect(parsed.connectionString).toContain('TableEndpoint=http://127.0.0.1:10002/devstoreaccount1');
    }
  });

  it('prefers the connection string when identity settings are also present', () => {
    expect(parseStorageConnection({ STORAGE: AZURITE, STORAGE__accountName: 'st' }, 'STORAGE').kind).toBe('connectionString');
  });

  it('derives the three service URIs from an account name for a managed identity', () => {
    expect(parseStorageConnection({ STORAGE__accountName: 'stweather', STORAGE__credential: 'managedidentity', STORAGE__clientId: 'cid' }, 'STORAGE')).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://stweather.blob.core.windows.net',
      queueServiceUri: 'https://stweather.queue.core.windows.net',
      tableServiceUri: 'https://stweather.table.core.windows.net',
      clientId: 'cid',
    });
  });

  it('takes explicit service URIs (trailing slashes dropped) over the account name, without a client id', () => {
    expect(
      parseStorageConnection(
        {
          STORAGE__accountName: 'ignored',
          STORAGE__blobServiceUri: 'https://b.example/',
          STORAGE__queueServiceUri: 'https://q.example',
          STORAGE__tableServiceUri: 'https://t.example//',
        },
        'STORAGE',
      ),
    ).toEqual({ kind: 'identity', blobServiceUri: 'https://b.example', queueServiceUri: 'https://q.example', tableServiceUri: 'https://t.example' });
  });

  it.each([
    [{ STORAGE: 'just some text' }, /^STORAGE is not a storage connection string$/],
    [{}, /^Storage connection "STORAGE" is not configured: set STORAGE to a connection string, or STORAGE__accountName/],
    [{ STORAGE: '   ' }, /not configured/],
    [{ STORAGE__blobServiceUri: 'https://b.example', STORAGE__queueServiceUri: 'https://q.example' }, /all of STORAGE__blobServiceUri, STORAGE__queueServiceUri and STORAGE__tableServiceUri/],
    [{ STORAGE__accountName: 'st', STORAGE__blobServiceUri: 'not a uri' }, /^STORAGE__blobServiceUri must be an absolute URI, got "not a uri"$/],
    [{ STORAGE__accountName: 'st', STORAGE__queueServiceUri: 'ftp://q.example' }, /^STORAGE__queueServiceUri must be an http\(s\) URI$/],
    [{ STORAGE__accountName: 'st', STORAGE__credential: 'clientsecret' }, /^STORAGE__credential must be "managedidentity" when set, got "clientsecret"$/],
  ])('throws a ConfigError naming the setting for %j', (env, message) => {
    expect(() => parseStorageConnection(env, 'STORAGE')).toThrow(ConfigError);
    expect(() => parseStorageConnection(env, 'STORAGE')).toThrow(message);
  });
});

describe('parseEventHubConnection', () => {
  const emulator = 'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=x;UseDevelopmentEmulator=true;';

  it('takes a connection string from the setting itself', () => {
    expect(parseEventHubConnection({ EVENTHUB: emulator }, 'EVENTHUB')).toEqual({ kind: 'connectionString', connectionString: emulator });
  });

  it('accepts a port after the namespace, as the client does (emulators and tests)', () => {
    expect(parseEventHubConnection({ EVENTHUB__fullyQualifiedNamespace: 'localhost:5671' }, 'EVENTHUB')).toEqual({ kind: 'identity', fullyQualifiedNamespace: 'localhost:5671' });
  });

  it('takes a fully qualified namespace and an optional client id for a managed identity', () => {
    expect(parseEventHubConnection({ EVENTHUB__fullyQualifiedNamespace: 'evhns.servicebus.windows.net' }, 'EVENTHUB')).toEqual({
      kind: 'identity',
      fullyQualifiedNamespace: 'evhns.servicebus.windows.net',
    });
    expect(
      parseEventHubConnection({ EVENTHUB__fullyQualifiedNamespace: 'evhns.servicebus.windows.net', EVENTHUB__credential: 'ManagedIdentity', EVENTHUB__clientId: 'cid' }, 'EVENTHUB'),
    ).toEqual({ kind: 'identity', fullyQualifiedNamespace: 'evhns.servicebus.windows.net', clientId: 'cid' });
  });

  it.each([
    [{ EVENTHUB: 'Endpoint=https://ns.example' }, /^EVENTHUB is not an Event Hubs connection string$/],
    [{}, /^Event Hubs connection "EVENTHUB" is not configured: set EVENTHUB or EVENTHUB__fullyQualifiedNamespace$/],
    [{ EVENTHUB__fullyQualifiedNamespace: 'sb://ns.servicebus.windows.net/' }, /^EVENTHUB__fullyQualifiedNamespace must be a host name/],
    [{ EVENTHUB__fullyQualifiedNamespace: 'ns.servicebus.windows.net', EVENTHUB__credential: 'azurecli' }, /^EVENTHUB__credential must be "managedidentity"/],
  ])('throws a ConfigError naming the setting for %j', (env, message) => {
    expect(() => parseEventHubConnection(env, 'EVENTHUB')).toThrow(ConfigError);
    expect(() => parseEventHubConnection(env, 'EVENTHUB')).toThrow(message);
  });
});

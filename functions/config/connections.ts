// Parses a Functions-style connection: either a connection string in the setting itself (emulators, local runs)
// or identity-based `<NAME>__*` settings (Azure, managed identity). Same rules as the Functions host's bindings.
import { ConfigError } from '../errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

export type StorageConnection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri: string; queueServiceUri: string; tableServiceUri: string; clientId?: string };

export type EventHubConnection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; fullyQualifiedNamespace: string; clientId?: string };

// Azurite's documented development account; `UseDevelopmentStorage=true` means exactly this.
const DEVELOPMENT_STORAGE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;' +
  'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function httpsUri(env: Env, name: string): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URI, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URI`);
  return raw.replace(/\/+$/, '');
}

function clientIdOf(env: Env, prefix: string): string | undefined {
  const credential = value(env, `${prefix}__credential`);
  if (credential !== undefined && credential.toLowerCase() !== 'managedidentity') {
    throw new ConfigError(`${prefix}__credential must be "managedidentity" when set, got "${credential}"`);
  }
  return value(env, `${prefix}__clientId`);
}

export function parseStorageConnection(env: Env, prefix: string): StorageConnection {
  const direct = value(env, prefix);
  if (direct !== undefined) {
    if (/^UseDevelopmentStorage=true;?$/i.test(direct)) return { kind: 'connectionString', connectionString: DEVELOPMENT_STORAGE };
    if (!/AccountName=|BlobEndpoint=|SharedAccessSignature=/i.test(direct)) {
      throw new ConfigError(`${prefix} is not a storage connection string`);
    }
    return { kind: 'connectionString', connectionString: direct };
  }
  const account = value(env, `${prefix}__accountName`);
  const fromAccount = (service: string) => (account ? `https://${account}.${service}.core.windows.net` : undefined);
  const blobServiceUri = httpsUri(env, `${prefix}__blobServiceUri`) ?? fromAccount('blob');
  const queueServiceUri = httpsUri(env, `${prefix}__queueServiceUri`) ?? fromAccount('queue');
  const tableServiceUri = httpsUri(env, `${prefix}__tableServiceUri`) ?? fromAccount('table');
  if (!blobServiceUri || !queueServiceUri || !tableServiceUri) {
    throw new ConfigError(
      `Storage connection "${prefix}" is not configured: set ${prefix} to a connection string, or ` +
        `${prefix}__accountName, or all of ${prefix}__blobServiceUri, ${prefix}__queueServiceUri and ${prefix}__tableServiceUri`,
    );
  }
  const clientId = clientIdOf(env, prefix);
  return { kind: 'identity', blobServiceUri, queueServiceUri, tableServiceUri, ...(clientId ? { clientId } : {}) };
}

export function parseEventHubConnection(env: Env, prefix: string): EventHubConnection {
  const direct = value(env, prefix);
  if (direct !== undefined) {
    if (!/Endpoint=sb:\/\//i.test(direct)) throw new ConfigError(`${prefix} is not an Event Hubs connection string`);
    return { kind: 'connectionString', connectionString: direct };
  }
  const namespace = value(env, `${prefix}__fullyQualifiedNamespace`);
  if (!namespace) {
    throw new ConfigError(`Event Hubs connection "${prefix}" is not configured: set ${prefix} or ${prefix}__fullyQualifiedNamespace`);
  }
  // A host name; a port is accepted for emulators and tests (`localhost:5671`), as the client itself accepts it.
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(namespace)) {
    throw new ConfigError(`${prefix}__fullyQualifiedNamespace must be a host name like "ns.servicebus.windows.net"`);
  }
  const clientId = clientIdOf(env, prefix);
  return { kind: 'identity', fullyQualifiedNamespace: namespace, ...(clientId ? { clientId } : {}) };
}

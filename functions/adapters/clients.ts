// Builds the Azure SDK clients from a parsed connection: connection strings for emulators, managed identity
// (DefaultAzureCredential, pinned to the user-assigned identity's client id when given) for Azure.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { EventHubConsumerClient, EventHubProducerClient, RetryMode, type RetryOptions } from '@azure/event-hubs';
import type { EventHubConnection, StorageConnection } from '../config/connections.ts';

const credentials = new Map<string, TokenCredential>();

/**
 * A DefaultAzureCredential made at the first token request: @azure/identity (with MSAL) is ~0.2 s of CPU to load,
 * which every local run (connection strings only) paid at start-up for nothing.
 */
function deferredCredential(clientId: string | undefined): TokenCredential {
  let made: Promise<TokenCredential> | undefined;
  const credential = () => (made ??= import('@azure/identity').then(({ DefaultAzureCredential }) =>
    new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {})));
  return {
    getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => (await credential()).getToken(scopes, options),
  };
}

/** One credential per identity: token caches are per instance, so sharing one avoids repeated token requests. */
export function credentialFor(clientId: string | undefined): TokenCredential {
  const key = clientId ?? '';
  let credential = credentials.get(key);
  if (!credential) {
    credential = deferredCredential(clientId);
    credentials.set(key, credential);
  }
  return credential;
}

export function createBlobServiceClient(connection: StorageConnection): BlobServiceClient {
  return connection.kind === 'connectionString'
    ? BlobServiceClient.fromConnectionString(connection.connectionString)
    : new BlobServiceClient(connection.blobServiceUri, credentialFor(connection.clientId));
}

export function createQueueServiceClient(connection: StorageConnection): QueueServiceClient {
  return connection.kind === 'connectionString'
    ? QueueServiceClient.fromConnectionString(connection.connectionString)
    : new QueueServiceClient(connection.queueServiceUri, credentialFor(connection.clientId));
}

export function createTableClient(connection: StorageConnection, tableName: string): TableClient {
  if (connection.kind === 'connectionString') {
    // Azurite speaks plain HTTP; the SDK refuses that unless told, and only emulators use connection strings here.
    const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(connection.connectionString);
    return TableClient.fromConnectionString(connection.connectionString, tableName, { allowInsecureConnection: insecure });
  }
  return new TableClient(`${connection.tableServiceUri}`, tableName, credentialFor(connection.clientId));
}

/**
 * The JavaScript SDK's default is 3 retries 30 s apart (fixed), so a blip of a second costs a send 30 s. The Functions
 * host's Event Hubs extension defaults to exponential from 0.8 s, capped at a minute: ours does the same, so a
 * restart of a few seconds is absorbed within one invocation and a longer outage fails the job for the queue to retry.
 */
export const EVENTHUB_RETRY: RetryOptions = { mode: RetryMode.Exponential, maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 60_000 };

export function createEventHubProducer(connection: EventHubConnection, hubName: string, retryOptions: RetryOptions = EVENTHUB_RETRY): EventHubProducerClient {
  return connection.kind === 'connectionString'
    ? new EventHubProducerClient(connection.connectionString, hubName, { retryOptions })
    : new EventHubProducerClient(connection.fullyQualifiedNamespace, hubName, credentialFor(connection.clientId), { retryOptions });
}

export function createEventHubConsumer(
  connection: EventHubConnection,
  hubName: string,
  consumerGroup: string,
): EventHubConsumerClient {
  const options = { retryOptions: EVENTHUB_RETRY };
  return connection.kind === 'connectionString'
    ? new EventHubConsumerClient(consumerGroup, connection.connectionString, hubName, options)
    : new EventHubConsumerClient(consumerGroup, connection.fullyQualifiedNamespace, hubName, credentialFor(connection.clientId), options);
}

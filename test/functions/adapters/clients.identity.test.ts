// The identity path the app takes on Azure (no keys: `STORAGE__*ServiceUri` / `EVENTHUB__fullyQualifiedNamespace`
// + `__clientId`, a token from the managed identity endpoint, bearer auth over TLS), run for real: Azurite over
// HTTPS with `--oauth basic`, the Event Hubs emulator over AMQPS verifying Entra tokens, a stand-in for the App
// Service identity endpoint, and the app's own client factory in a child process that trusts the test's
// certificate. Skipped with a message where openssl (to make the certificate) is missing.
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { startAzurite, type RunningAzurite } from '../../../local/azurite.ts';
import { start as startEventHubs, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { onPath } from '../../infra/bicepCli.ts';
import { startIdentityStandIn, type IdentityStandIn } from './managedIdentityStandIn.ts';

const run = promisify(execFile);
const openssl = onPath('openssl');
if (!openssl) console.warn('skipping the managed identity tests: openssl was not found on PATH (it makes the HTTPS certificate)');

const CLIENT_ID = '5f3c2b1a-0000-4000-8000-00000000c11d';
const PROBE = join(import.meta.dirname, 'identityProbe.ts');

interface ProbeResult {
  kind: string;
  blob?: string;
  queue?: string;
  table?: number;
  eventhubs?: unknown;
  error?: { name: string; message: string; statusCode?: number; code?: string };
}

// A throwaway self-signed certificate for 127.0.0.1 and localhost, made for this run and deleted after it.
let dir = '';
let certPath = '';
let keyPath = '';
beforeAll(() => {
  if (!openssl) return;
  dir = mkdtempSync(join(tmpdir(), 'identity-'));
  certPath = join(dir, 'cert.pem');
  keyPath = join(dir, 'key.pem');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function probe(what: 'storage' | 'eventhubs', settings: Record<string, string>): Promise<ProbeResult> {
  const env = { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: certPath, ...settings };
  const { stdout } = await run(process.execPath, [PROBE, what], { env, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeResult;
}

describe.skipIf(!openssl)('storage clients with a managed identity', () => {
  let azurite: RunningAzurite;

  beforeAll(async () => {
    azurite = await startAzurite({ tls: { certPath, keyPath }, oauth: true });
  }, 60_000);

  afterAll(async () => {
    await azurite?.close();
  });

  const storageProbe = (identity: IdentityStandIn, extra: Record<string, string> = {}) =>
    probe('storage', {
      STORAGE__blobServiceUri: azurite.blobEndpoint,
      STORAGE__queueServiceUri: azurite.queueEndpoint,
      STORAGE__tableServiceUri: azurite.tableEndpoint,
      STORAGE__credential: 'managedidentity',
      STORAGE__clientId: CLIENT_ID,
      ...identity.env,
      ...extra,
    });

  it('writes and reads blobs, queue messages and entities with tokens for the user-assigned identity, over HTTPS', async () => {
    expect(azurite.blobEndpoint.startsWith('https://')).toBe(true);
    const identity = await startIdentityStandIn();
    try {
      const result = await storageProbe(identity);
      expect(result).toEqual({ kind: 'identity', blob: 'hello', queue: 'queued', table: 42 });
      // Every token was for Azure Storage, for the configured client id, through the App Service protocol.
      expect(identity.requests.length).toBeGreaterThan(0);
      expect(new Set(identity.requests.map((r) => `${r.resource} ${r.clientId} ${r.apiVersion}`))).toEqual(new Set([`https://storage.azure.com ${CLIENT_ID} 2019-08-01`]));
    } finally {
      await identity.close();
    }
  }, 120_000);

  it('is refused when the token is for another resource, so the bearer token is what authorised the calls', async () => {
    const identity = await startIdentityStandIn({ audience: 'https://vault.azure.net' });
    try {
      const result = await storageProbe(identity);
      expect(result.blob).toBeUndefined();
      // Azurite checks the audience and answers 403 AuthenticationFailed.
      expect(result.error).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
      expect(identity.requests.length).toBeGreaterThan(0);
    } finally {
      await identity.close();
    }
  }, 120_000);

  it('fails with a credential error, not a storage one, when the identity endpoint refuses the app', async () => {
    const identity = await startIdentityStandIn();
    try {
      const result = await storageProbe(identity, { IDENTITY_HEADER: 'not-the-secret' });
      expect(result.blob).toBeUndefined();
      expect(result.error?.statusCode).toBeUndefined();
      expect(result.error?.name).toMatch(/Credential|Authentication/);
      expect(identity.requests).toEqual([]);
    } finally {
      await identity.close();
    }
  }, 120_000);
});

describe.skipIf(!openssl)('Event Hubs clients with a managed identity', () => {
  let identity: IdentityStandIn;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    identity = await startIdentityStandIn();
    emulator = await startEventHubs({
      port: 0,
      tls: { cert: readFileSync(certPath), key: readFileSync(keyPath) },
      entra: { issuer: identity.issuer, publicKey: identity.publicKey },
    });
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    await identity?.close();
  });

  const eventHubsProbe = (env: Record<string, string>) =>
    probe('eventhubs', { EVENTHUB__fullyQualifiedNamespace: `localhost:${emulator.port}`, EVENTHUB__credential: 'managedidentity', EVENTHUB__clientId: CLIENT_ID, ...env });

  it('sends and receives over AMQPS with Entra tokens for Event Hubs, for the user-assigned identity', async () => {
    const before = identity.requests.length;
    const result = await eventHubsProbe(identity.env);
    expect(result).toEqual({ kind: 'identity', eventhubs: { hello: 'identity' } });
    const asked = identity.requests.slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked.map((r) => `${r.resource} ${r.clientId}`))).toEqual(new Set([`https://eventhubs.azure.net/ ${CLIENT_ID}`]));
  }, 120_000);

  it('is refused for a token signed by an issuer the namespace does not trust, or for another audience', async () => {
    const stranger = await startIdentityStandIn();
    const storageToken = await startIdentityStandIn({ audience: 'https://storage.azure.com' });
    try {
      for (const other of [stranger, storageToken]) {
        const result = await eventHubsProbe(other.env);
        expect(result.eventhubs).toBeUndefined();
        expect(result.error?.code).toBe('UnauthorizedError');
        expect(other.requests.length).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all([stranger.close(), storageToken.close()]);
    }
  }, 120_000);
});

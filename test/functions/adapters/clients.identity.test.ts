// The identity path the app takes on Azure (no keys: `STORAGE__*ServiceUri` + `STORAGE__clientId`, a token from the
// managed identity endpoint, bearer auth over HTTPS), run for real: Azurite over HTTPS with `--oauth basic`, a
// stand-in for the App Service identity endpoint, and the app's own client factory in a child process that trusts
// the test's certificate. Skipped with a message where openssl (to make the certificate) is missing.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../../local/azurite.ts';
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
  error?: { name: string; message: string; statusCode?: number; code?: string };
}

describe.skipIf(!openssl)('storage clients with a managed identity', () => {
  let dir: string;
  let azurite: RunningAzurite;
  let certPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'identity-'));
    certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    // A throwaway self-signed certificate for 127.0.0.1, made for this run and deleted after it.
    execFileSync(openssl as string, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
    azurite = await startAzurite({ tls: { certPath, keyPath }, oauth: true });
  }, 60_000);

  afterAll(async () => {
    await azurite?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function probe(identity: IdentityStandIn, extra: Record<string, string> = {}): Promise<ProbeResult> {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_EXTRA_CA_CERTS: certPath,
      STORAGE__blobServiceUri: azurite.blobEndpoint,
      STORAGE__queueServiceUri: azurite.queueEndpoint,
      STORAGE__tableServiceUri: azurite.tableEndpoint,
      STORAGE__credential: 'managedidentity',
      STORAGE__clientId: CLIENT_ID,
      ...identity.env,
      ...extra,
    };
    const { stdout } = await run(process.execPath, [PROBE], { env, timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProbeResult;
  }

  it('writes and reads blobs, queue messages and entities with tokens for the user-assigned identity, over HTTPS', async () => {
    expect(azurite.blobEndpoint.startsWith('https://')).toBe(true);
    const identity = await startIdentityStandIn();
    try {
      const result = await probe(identity);
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
      const result = await probe(identity);
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
      const result = await probe(identity, { IDENTITY_HEADER: 'not-the-secret' });
      expect(result.blob).toBeUndefined();
      expect(result.error?.statusCode).toBeUndefined();
      expect(result.error?.name).toMatch(/Credential|Authentication/);
      expect(identity.requests).toEqual([]);
    } finally {
      await identity.close();
    }
  }, 120_000);
});

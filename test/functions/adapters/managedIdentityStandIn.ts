// A stand-in for the managed identity endpoint App Service and Functions give an app (IDENTITY_ENDPOINT with the
// X-IDENTITY-HEADER secret, API version 2019-08-01): it issues Entra-shaped access tokens, RS256-signed with a key
// made for the run, that Azurite's `--oauth basic` accepts (issuer, audience, lifetime) and the Event Hubs emulator
// verifies when given `issuer` and `publicKey`; it records each request, so a test can see which resource and which
// user-assigned identity the app asked for.
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  resource: string;
  clientId: string | undefined;
  apiVersion: string | undefined;
}

export interface IdentityStandIn {
  /** What to put in IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  requests: TokenRequest[];
  /** The `iss` of every token, and the PEM public key that verifies their signatures. */
  issuer: string;
  publicKey: string;
  close(): Promise<void>;
}

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const base64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** `audience` overrides the token's `aud` (to show that a token for another resource is refused). */
export async function startIdentityStandIn(options: { audience?: string } = {}): Promise<IdentityStandIn> {
  const secret = randomBytes(16).toString('hex');
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = `https://sts.windows.net/${TENANT}/`;
  const requests: TokenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://identity');
    if (req.headers['x-identity-header'] !== secret) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'unauthorized', error_description: 'missing or wrong X-IDENTITY-HEADER' }));
    }
    const resource = url.searchParams.get('resource') ?? '';
    const clientId = url.searchParams.get('client_id') ?? undefined;
    requests.push({ resource, clientId, apiVersion: url.searchParams.get('api-version') ?? undefined });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: options.audience ?? resource.replace(/\/(\.default)?$/, ''),
      iss: issuer,
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
      tid: TENANT,
      oid: randomUUID(),
      appid: clientId ?? 'system-assigned',
    };
    const signed = `${base64url({ typ: 'JWT', alg: 'RS256' })}.${base64url(claims)}`;
    const token = `${signed}.${base64url(sign('RSA-SHA256', Buffer.from(signed), keys.privateKey))}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_on: String(now + 3600), resource, token_type: 'Bearer', client_id: clientId }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: secret },
    requests,
    issuer,
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Entra ID tokens on $cbs are verified like the service does, against the issuer and key the emulator was told to trust.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entraVerifier } from '../../../local/eventhubs/entra.ts';

const ISSUER = 'https://sts.windows.net/tenant/';
const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const verifyToken = entraVerifier({ issuer: ISSUER, publicKey: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
const NOW = 1_800_000_000_000;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(claims: Record<string, unknown> = {}, options: { key?: typeof trusted.privateKey; alg?: string } = {}): string {
  const body = { aud: 'https://eventhubs.azure.net', iss: ISSUER, nbf: NOW / 1000 - 60, exp: NOW / 1000 + 3600, oid: 'o1', ...claims };
  const signed = `${b64({ typ: 'JWT', alg: options.alg ?? 'RS256' })}.${b64(body)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), options.key ?? trusted.privateKey).toString('base64url')}`;
}

describe('entraVerifier', () => {
  it('accepts a token from the trusted issuer for Event Hubs, until it expires (with 5 minutes of clock skew)', () => {
    expect(verifyToken(token(), NOW)).toEqual({ ok: true, expiresAtMs: NOW + 3_600_000 + 300_000, subject: 'o1' });
    const strict = entraVerifier({ issuer: ISSUER, publicKey: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString(), clockSkewMs: 0 });
    expect(strict(token(), NOW)).toMatchObject({ ok: true, expiresAtMs: NOW + 3_600_000 });
    expect(strict(token({ exp: NOW / 1000 - 1 }), NOW)).toEqual({ ok: false, reason: 'the token has expired' });
    expect(verifyToken(token({ aud: 'https://eventhubs.azure.net/' }), NOW).ok).toBe(true);
  });

  it('refuses a token signed by another key, for another audience or issuer, out of its lifetime, or not RS256', () => {
    const reasons = [
      token({}, { key: stranger.privateKey }),
      token({ aud: 'https://storage.azure.com' }),
      token({ iss: 'https://sts.windows.net/other/' }),
      token({ exp: NOW / 1000 - 600 }),
      token({ nbf: NOW / 1000 + 600 }),
      token({}, { alg: 'none' }),
      'not.a.jwt',
      42,
    ].map((t) => {
      const checked = verifyToken(t, NOW);
      return checked.ok ? 'accepted' : checked.reason;
    });
    expect(reasons).toEqual([
      'the signature does not verify',
      "audience 'https://storage.azure.com' is not Event Hubs",
      "issuer 'https://sts.windows.net/other/' is not trusted",
      'the token has expired',
      'the token is not valid yet',
      "alg 'none' is not RS256",
      'the token is not a JWT',
      'the token is not a string',
    ]);
  });
});

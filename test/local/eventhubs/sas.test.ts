import { describe, expect, it } from 'vitest';
import { DEV_SAS_KEY } from '../../../local/eventhubs/index.ts';
import { parseResource, verifySasToken } from '../../../local/eventhubs/sas.ts';
import { SharedKeyCredential } from './sharedKey.ts';

const audience = 'sb://localhost:5672/temperatures/Partitions/0';
const now = Date.now();

describe('verifySasToken', () => {
  it('accepts a token signed with the configured key and reports the host and path it covers', () => {
    expect(verifySasToken(SharedKeyCredential.token(audience), DEV_SAS_KEY, now)).toEqual({
      ok: true,
      token: { resource: { host: 'localhost', path: 'temperatures/partitions/0' }, expiresAtMs: expect.any(Number) },
    });
  });

  it.each([
    ['a token signed with another key', SharedKeyCredential.token(audience, 'other-key'), 'signature'],
    ['an expired token', SharedKeyCredential.token(audience, DEV_SAS_KEY.key, Math.floor(now / 1000) - 1), 'expired'],
    ['a token that is not a SAS', 'Bearer abc', 'not a SharedAccessSignature'],
    ['a token missing its signature', 'SharedAccessSignature sr=a&se=1&skn=RootManageSharedAccessKey', 'lacks'],
    ['a token for another key name', SharedKeyCredential.token(audience).replace('skn=RootManageSharedAccessKey', 'skn=other'), 'unknown key name'],
    ['a token whose resource has no scheme (it would have covered the whole namespace)', SharedKeyCredential.token('temperatures'), 'not an sb:// URI'],
    ['a token whose resource has another scheme', SharedKeyCredential.token('ftp://localhost/temperatures'), 'not an sb:// URI'],
    ['a token with a fractional expiry', SharedKeyCredential.token(audience).replace(/se=(\d+)/, 'se=$1.5'), 'not a number of seconds'],
  ])('refuses %s', (_name, token, reason) => {
    const result = verifySasToken(token, DEV_SAS_KEY, now);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

describe('parseResource', () => {
  it('reads the host without its port and the path, lower-cased, for the schemes clients use', () => {
    expect(parseResource('sb://LocalHost:5672/Temperatures/Partitions/0')).toEqual({ host: 'localhost', path: 'temperatures/partitions/0' });
    expect(parseResource('amqps://ns.servicebus.windows.net/hub/')).toEqual({ host: 'ns.servicebus.windows.net', path: 'hub' });
    expect(parseResource('https://[::1]:5671')).toEqual({ host: '::1', path: '' });
  });

  it('names nothing for a string without a scheme, with an unknown scheme or without a host', () => {
    for (const uri of ['temperatures', 'localhost/temperatures', 'ftp://localhost/temperatures', 'sb:///temperatures', '']) {
      expect(parseResource(uri), uri).toBeUndefined();
    }
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_SAS_KEY } from '../../../local/eventhubs/index.ts';
import { isSasToken, parseResource, pathCovers, tokenText, verifySasToken } from '../../../local/eventhubs/sas.ts';
import { SharedKeyCredential } from './sharedKey.ts';

const audience = 'sb://localhost:5672/temperatures/Partitions/0';
const now = Date.now();

/** A token signed with the development key over `sr` and `se` exactly as given (URL-encoding `sr` is up to the caller). */
function signed(sr: string, se: string, key = DEV_SAS_KEY.key): string {
  const sig = createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}&skn=${DEV_SAS_KEY.keyName}`;
}
const reasonOf = (token: unknown, nowMs = now) => {
  const result = verifySasToken(token, DEV_SAS_KEY, nowMs);
  return result.ok ? 'accepted' : result.reason;
};

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

  it('reports the expiry as the instant of se seconds', () => {
    const token = SharedKeyCredential.token(audience, DEV_SAS_KEY.key, 4_102_444_800);
    expect(verifySasToken(token, DEV_SAS_KEY, now)).toMatchObject({ ok: true, token: { expiresAtMs: 4_102_444_800_000 } });
  });

  it('counts a token as expired from the very millisecond its expiry names', () => {
    const se = Math.floor(now / 1000) + 60;
    const token = SharedKeyCredential.token(audience, DEV_SAS_KEY.key, se);
    expect(reasonOf(token, se * 1000 - 1)).toBe('accepted');
    expect(reasonOf(token, se * 1000)).toBe('the token has expired');
  });

  it('refuses an expiry that is not plain decimal seconds, even when signed and numeric to JavaScript', () => {
    const sr = encodeURIComponent(audience);
    for (const se of ['4102444800.0', ' 4102444800', '4102444800 ', '+4102444800', '0x100000000', '4.1e9', '99999999999999999999']) {
      expect(reasonOf(signed(sr, se)), se).toBe('the expiry (se) is not a number of seconds');
    }
    expect(reasonOf(signed(sr, '4102444800'))).toBe('accepted');
  });

  it('names a missing field rather than failing later on it', () => {
    const whole = SharedKeyCredential.token(audience);
    for (const field of ['sr', 'sig', 'se', 'skn']) {
      const without = whole.replace(new RegExp(`(?<=[ &])${field}=[^&]*&?`), '').replace(/&$/, '');
      expect(reasonOf(without), field).toBe('the token lacks one of sr, sig, se, skn');
    }
  });

  it('reads only name=value parts, ignoring a part without a name', () => {
    const whole = SharedKeyCredential.token(audience);
    // "srX" has no "=": it must not be read as a field (sr = "srX"); "=x" has no name.
    expect(reasonOf(whole.replace(/sr=[^&]*&/, 'srX&'))).toBe('the token lacks one of sr, sig, se, skn');
    expect(reasonOf(`${whole}&=x`)).toBe('accepted');
  });

  it('refuses a signature of the wrong length or encoding instead of throwing', () => {
    const whole = SharedKeyCredential.token(audience);
    expect(reasonOf(whole.replace(/sig=[^&]*/, 'sig=AAAA'))).toBe('the signature does not match the configured key');
    expect(reasonOf(whole.replace(/sig=[^&]*/, 'sig=%E0%A4%A'))).toBe('the signature is not URL-encoded base64');
  });

  it('refuses a correctly signed resource that is not valid URL encoding', () => {
    expect(reasonOf(signed('sb%3A%2F%2Flocalhost%2F%E0%A4%A', '4102444800'))).toBe('the token\'s resource (sr) is not an sb:// URI of a namespace');
  });
});

describe('isSasToken', () => {
  it('recognises only strings that start with the SharedAccessSignature scheme', () => {
    expect(isSasToken(SharedKeyCredential.token(audience))).toBe(true);
    for (const value of ['Bearer x', 'sharedaccesssignature sr=a', Buffer.from('SharedAccessSignature sr=a'), undefined]) {
      expect(isSasToken(value), String(value)).toBe(false);
    }
  });
});

describe('tokenText', () => {
  it('reads a token sent as a string, as UTF-8 bytes or as the Python client\'s (token, expiry) list', () => {
    expect(tokenText('abc')).toBe('abc');
    expect(tokenText(Buffer.from('abc'))).toBe('abc');
    expect(tokenText([Buffer.from('abc'), 1_700_000_000])).toBe('abc');
    expect(tokenText(['abc'])).toBe('abc');
  });

  it('finds no token in an empty list, a list of lists or another type', () => {
    for (const value of [[], [['abc']], 5, null, undefined, { token: 'abc' }]) {
      expect(tokenText(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('pathCovers', () => {
  it('lets a grant cover its own path and the paths under it, and the namespace grant cover all', () => {
    expect(pathCovers('temperatures', 'temperatures')).toBe(true);
    expect(pathCovers('temperatures', 'temperatures/partitions/0')).toBe(true);
    expect(pathCovers('', 'temperatures/partitions/0')).toBe(true);
    expect(pathCovers('', '')).toBe(true);
  });

  it('does not let a grant cover a sibling that shares its prefix, a parent or another path', () => {
    expect(pathCovers('temp', 'temperatures')).toBe(false);
    expect(pathCovers('temperatures/partitions/0', 'temperatures')).toBe(false);
    expect(pathCovers('temperatures', '')).toBe(false);
    expect(pathCovers('other', 'temperatures/other')).toBe(false);
    expect(pathCovers('temperatures', 'x/temperatures/')).toBe(false);
  });
});

describe('parseResource', () => {
  it('reads the host without its port and the path, lower-cased, for the schemes clients use', () => {
    expect(parseResource('sb://LocalHost:5672/Temperatures/Partitions/0')).toEqual({ host: 'localhost', path: 'temperatures/partitions/0' });
    expect(parseResource('amqps://ns.servicebus.windows.net/hub/')).toEqual({ host: 'ns.servicebus.windows.net', path: 'hub' });
    expect(parseResource('https://[::1]:5671')).toEqual({ host: '::1', path: '' });
  });

  it('strips only the brackets around an IPv6 literal from the host', () => {
    expect(parseResource('sb://[[::1]/hub')).toEqual({ host: '[::1', path: 'hub' });
    expect(parseResource('sb://a[b]c/hub')).toEqual({ host: 'a[b]c', path: 'hub' });
  });

  it('drops every slash at either end of the path, not just one', () => {
    expect(parseResource('sb://localhost//Temperatures/Partitions/0//')).toEqual({ host: 'localhost', path: 'temperatures/partitions/0' });
    expect(parseResource('sb://localhost///')).toEqual({ host: 'localhost', path: '' });
  });

  it('names nothing for a string without a scheme, with an unknown scheme or without a host', () => {
    for (const uri of ['temperatures', 'localhost/temperatures', 'ftp://localhost/temperatures', 'sb:///temperatures', '']) {
      expect(parseResource(uri), uri).toBeUndefined();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DEV_SAS_KEY } from '../../../local/eventhubs/index.ts';
import { verifySasToken } from '../../../local/eventhubs/sas.ts';
import { SharedKeyCredential } from './sharedKey.ts';

const audience = 'sb://localhost:5672/temperatures/Partitions/0';
const now = Date.now();

describe('verifySasToken', () => {
  it('accepts a token signed with the configured key and reports the path it covers', () => {
    expect(verifySasToken(SharedKeyCredential.token(audience), DEV_SAS_KEY, now)).toEqual({
      ok: true,
      token: { path: 'temperatures/partitions/0', expiresAtMs: expect.any(Number) },
    });
  });

  it.each([
    ['a token signed with another key', SharedKeyCredential.token(audience, 'other-key'), 'signature'],
    ['an expired token', SharedKeyCredential.token(audience, DEV_SAS_KEY.key, Math.floor(now / 1000) - 1), 'expired'],
    ['a token that is not a SAS', 'Bearer abc', 'not a SharedAccessSignature'],
    ['a token missing its signature', 'SharedAccessSignature sr=a&se=1&skn=RootManageSharedAccessKey', 'lacks'],
    ['a token for another key name', SharedKeyCredential.token(audience).replace('skn=RootManageSharedAccessKey', 'skn=other'), 'unknown key name'],
  ])('refuses %s', (_name, token, reason) => {
    const result = verifySasToken(token, DEV_SAS_KEY, now);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

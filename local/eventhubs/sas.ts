// Verifies the SharedAccessSignature tokens the client puts on `$cbs`: the same HMAC the service computes, so a
// wrong key or an expired token is refused instead of silently accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SasKey {
  keyName: string;
  key: string;
}

/** The official emulator's well-known development key: public, not a secret. */
export const DEV_SAS_KEY: SasKey = { keyName: 'RootManageSharedAccessKey', key: 'SAS_KEY_VALUE' };

export interface VerifiedToken {
  /** The resource path the token covers, lower-cased, without scheme and host (e.g. `temperatures/partitions/0`). */
  path: string;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; token: VerifiedToken } | { ok: false; reason: string };

/** The path part of an audience such as `sb://localhost:5672/hub/Partitions/0`, lower-cased and without slashes at either end. */
export function audiencePath(audience: string): string {
  const withoutScheme = audience.replace(/^[a-z]+:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  const path = slash < 0 ? '' : withoutScheme.slice(slash + 1);
  return path.replace(/^\/+|\/+$/g, '').toLowerCase();
}

export function verifySasToken(token: unknown, key: SasKey, nowMs: number): TokenCheck {
  if (typeof token !== 'string' || !token.startsWith('SharedAccessSignature ')) {
    return { ok: false, reason: 'the token is not a SharedAccessSignature' };
  }
  const fields = new Map<string, string>();
  for (const part of token.slice('SharedAccessSignature '.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) {
    return { ok: false, reason: 'the token lacks one of sr, sig, se, skn' };
  }
  if (skn !== key.keyName) return { ok: false, reason: `unknown key name '${skn}'` };
  const expirySeconds = Number(se);
  if (!Number.isFinite(expirySeconds) || expirySeconds * 1000 <= nowMs) return { ok: false, reason: 'the token has expired' };
  // The client signs the URL-encoded audience exactly as it appears in `sr`.
  const expected = createHmac('sha256', Buffer.from(key.key, 'utf8')).update(`${sr}\n${se}`, 'utf8').digest();
  let given: Buffer;
  try {
    given = Buffer.from(decodeURIComponent(sig), 'base64');
  } catch {
    return { ok: false, reason: 'the signature is not URL-encoded base64' };
  }
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the signature does not match the configured key' };
  }
  let resource: string;
  try {
    resource = decodeURIComponent(sr);
  } catch {
    return { ok: false, reason: 'the resource is not URL-encoded' };
  }
  return { ok: true, token: { path: audiencePath(resource), expiresAtMs: expirySeconds * 1000 } };
}

/** True when a token for `tokenPath` grants access to `path` (the same path or a parent of it). */
export function tokenCovers(tokenPath: string, path: string): boolean {
  return tokenPath === '' || path === tokenPath || path.startsWith(`${tokenPath}/`);
}

// Verifies the SharedAccessSignature tokens the client puts on `$cbs` (and sends with `$management` requests): the
// same HMAC the service computes, so a wrong key or an expired token is refused instead of silently accepted, and the
// resource a token names parsed as the service reads it (scheme, host, path) so that it grants only what it names.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SasKey {
  keyName: string;
  key: string;
}

/** The official emulator's well-known development key: public, not a secret. */
export const DEV_SAS_KEY: SasKey = { keyName: 'RootManageSharedAccessKey', key: 'SAS_KEY_VALUE' };

/** What a token or an audience names: a host (lower-cased, without port) and an entity path within it. */
export interface Resource {
  host: string;
  /** Lower-cased, without slashes at either end (e.g. `temperatures/partitions/0`); '' is the whole namespace. */
  path: string;
}

export interface VerifiedToken {
  resource: Resource;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; token: VerifiedToken } | { ok: false; reason: string };

/** The schemes clients put in token resources and audiences (sb:// from the SDKs; the service also takes these). */
const SCHEMES = new Set(['sb', 'amqp', 'amqps', 'http', 'https']);
const URI = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::\d*)?(\/[^?#]*)?$/i;

/**
 * `sb://host:port/hub/Partitions/0` as a resource, or undefined when it is not such a URI. A string without a scheme
 * names nothing: read as a bare path it would have made `sr=temperatures` a namespace-wide token.
 */
export function parseResource(uri: string): Resource | undefined {
  const match = URI.exec(uri);
  if (!match || !SCHEMES.has((match[1] ?? '').toLowerCase()) || !match[2]) return undefined;
  return {
    host: match[2].replace(/^\[|\]$/g, '').toLowerCase(),
    path: (match[3] ?? '').replace(/^\/+|\/+$/g, '').toLowerCase(),
  };
}

/** True when a grant for the path `granted` covers the path `wanted`: the same path or a parent of it. */
export function pathCovers(granted: string, wanted: string): boolean {
  return granted === '' || wanted === granted || wanted.startsWith(`${granted}/`);
}

const SAS_PREFIX = 'SharedAccessSignature ';

export function isSasToken(token: unknown): token is string {
  return typeof token === 'string' && token.startsWith(SAS_PREFIX);
}

/**
 * A token as a string from the shapes clients send it in: a string (JavaScript, .NET), UTF-8 bytes, or the Python
 * client's `AccessToken(token, expires_on)` tuple, which its encoder writes as a list (token bytes first).
 */
export function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value) && value.length > 0 && !Array.isArray(value[0])) return tokenText(value[0]);
  return undefined;
}

export function verifySasToken(token: unknown, key: SasKey, nowMs: number): TokenCheck {
  if (!isSasToken(token)) return { ok: false, reason: 'the token is not a SharedAccessSignature' };
  const fields = new Map<string, string>();
  for (const part of token.slice(SAS_PREFIX.length).split('&')) {
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
  if (!/^\d+$/.test(se) || !Number.isSafeInteger(expirySeconds)) return { ok: false, reason: 'the expiry (se) is not a number of seconds' };
  if (expirySeconds * 1000 <= nowMs) return { ok: false, reason: 'the token has expired' };
  // The client signs the URL-encoded resource exactly as it appears in `sr`.
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
  let resource: Resource | undefined;
  try {
    resource = parseResource(decodeURIComponent(sr));
  } catch {
    resource = undefined;
  }
  if (!resource) return { ok: false, reason: 'the token\'s resource (sr) is not an sb:// URI of a namespace' };
  return { ok: true, token: { resource, expiresAtMs: expirySeconds * 1000 } };
}

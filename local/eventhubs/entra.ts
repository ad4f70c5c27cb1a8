// Entra ID (jwt) tokens on `$cbs`, for tests of the managed identity path: accepted only when the emulator is told
// whom to trust (an issuer and its RS256 public key, as a test's identity stand-in has), and then verified as the
// service would: signature, issuer, audience (Event Hubs), lifetime. Without a trust configured they are refused,
// since accepting a token unchecked would hide an auth mistake until Azure. Roles (RBAC) are not evaluated.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface EntraTrust {
  /** The `iss` claim tokens must carry, e.g. `https://sts.windows.net/<tenant>/`. */
  issuer: string;
  /** PEM of the RS256 public key the issuer signs with. */
  publicKey: string;
  /** Leeway for clocks on `nbf` and `exp` (5 minutes, as Entra's validators allow, unless set). */
  clockSkewMs?: number;
}

export type EntraCheck = { ok: true; expiresAtMs: number; subject: string } | { ok: false; reason: string };
export type EntraVerifier = (token: unknown, nowMs: number) => EntraCheck;

/** The audiences Event Hubs accepts for data-plane tokens. */
const AUDIENCES = new Set(['https://eventhubs.azure.net', 'https://eventhubs.azure.net/', 'https://servicebus.azure.net', 'https://servicebus.azure.net/']);
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function entraVerifier(trust: EntraTrust): EntraVerifier {
  const key: KeyObject = createPublicKey(trust.publicKey);
  const skew = trust.clockSkewMs ?? CLOCK_SKEW_MS;
  return (token, nowMs) => {
    if (typeof token !== 'string') return { ok: false, reason: 'the token is not a string' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'the token is not a JWT' };
    const [header, claims] = [decodePart(parts[0]), decodePart(parts[1])];
    if (!header || !claims) return { ok: false, reason: 'the token is not a JWT' };
    if (header['alg'] !== 'RS256') return { ok: false, reason: `alg '${String(header['alg'])}' is not RS256` };
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('RSA-SHA256', signed, key, Buffer.from(parts[2] ?? '', 'base64url'))) return { ok: false, reason: 'the signature does not verify' };
    if (claims['iss'] !== trust.issuer) return { ok: false, reason: `issuer '${String(claims['iss'])}' is not trusted` };
    if (!AUDIENCES.has(String(claims['aud']))) return { ok: false, reason: `audience '${String(claims['aud'])}' is not Event Hubs` };
    const exp = Number(claims['exp']) * 1000;
    const nbf = claims['nbf'] === undefined ? 0 : Number(claims['nbf']) * 1000;
    if (!Number.isFinite(exp) || exp + skew <= nowMs) return { ok: false, reason: 'the token has expired' };
    if (!Number.isFinite(nbf) || nbf - skew > nowMs) return { ok: false, reason: 'the token is not valid yet' };
    // Valid for as long as it would be accepted: links on its grant are detached once that has passed.
    return { ok: true, expiresAtMs: exp + skew, subject: String(claims['oid'] ?? claims['sub'] ?? 'unknown') };
  };
}

// SASL PLAIN as Event Hubs takes it: username `$ConnectionString`, the namespace's (or a hub's) connection string as
// the password, checked against the same key as the AMQP side's SAS tokens. A connection string with EntityPath (or a
// SharedAccessSignature scoped to one hub) grants that hub only.
import { timingSafeEqual } from 'node:crypto';
import { pathCovers, verifySasToken, type SasKey } from '../sas.ts';

export const USERNAME = '$ConnectionString';

export type AuthResult = { ok: true; scope: string } | { ok: false; reason: string };

/** The fields of a connection string, by lower-cased name (values may contain `=`). */
export function parseConnectionString(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return fields;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a SASL PLAIN message (`authzid NUL username NUL password`). */
export function authenticatePlain(message: Buffer, key: SasKey, nowMs: number): AuthResult {
  const parts = message.toString('utf8').split('\u0000');
  if (parts.length !== 3) return { ok: false, reason: 'malformed SASL/PLAIN message' };
  const [, username = '', password = ''] = parts;
  if (username !== USERNAME) return { ok: false, reason: `the username must be ${USERNAME} (with the connection string as the password)` };
  const fields = parseConnectionString(password);
  if (!fields.has('endpoint')) return { ok: false, reason: 'the password is not an Event Hubs connection string (no Endpoint)' };
  const entityPath = (fields.get('entitypath') ?? '').toLowerCase();
  const signature = fields.get('sharedaccesssignature');
  if (signature !== undefined) {
    const checked = verifySasToken(signature, key, nowMs);
    if (!checked.ok) return { ok: false, reason: checked.reason };
    if (entityPath !== '' && !pathCovers(checked.token.resource.path, entityPath)) return { ok: false, reason: 'the signature does not cover EntityPath' };
    return { ok: true, scope: entityPath || checked.token.resource.path };
  }
  const keyName = fields.get('sharedaccesskeyname');
  const secret = fields.get('sharedaccesskey');
  if (keyName === undefined || secret === undefined) return { ok: false, reason: 'the connection string lacks SharedAccessKeyName or SharedAccessKey' };
  if (keyName !== key.keyName || !same(secret, key.key)) return { ok: false, reason: `invalid key for '${keyName}'` };
  return { ok: true, scope: entityPath };
}

// `$cbs` put-token: verifies a SAS token, or an Entra ID (jwt) token when the emulator was given an issuer to trust
// (entra.ts; refused otherwise), checks that it is for this namespace and covers the audience asked for, and records
// the grant on the connection.
import type { EventStore } from './eventStore.ts';
import type { EntraVerifier } from './entra.ts';
import { entityNotFound } from './errors.ts';
import { MAX_GRANTS, type ConnectionGrants, type HostCheck } from './grants.ts';
import { isSasToken, parseResource, pathCovers, tokenText, verifySasToken, type SasKey } from './sas.ts';

/** Entity names are at most 256 characters; an audience names a namespace, a hub, a group and a partition. */
const MAX_AUDIENCE = 1_024;

export interface Reply {
  statusCode: number;
  description: string;
  errorCondition?: string;
  body?: unknown;
}

export interface TokenContext {
  key: SasKey;
  store: EventStore;
  nowMs: number;
  /** The host names this connection may present tokens for (the namespace it dialed). */
  hostAccepted: HostCheck;
  verifyEntra?: EntraVerifier;
}

function property(properties: unknown, name: string): unknown {
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>)[name] : undefined;
}

/** Checks that the entity an audience names exists, so a typo fails fast (404 is not retried by the client). */
function unknownEntity(store: EventStore, audience: string, path: string): string | undefined {
  const [hubName, groupsSegment, group] = path.split('/');
  if (!hubName) return undefined;
  const hub = store.hub(hubName);
  if (!hub.ok) return audience;
  if (groupsSegment === 'consumergroups' && group !== undefined && !store.consumerGroup(hub.value, group).ok) return audience;
  return undefined;
}

// $cbs replies carry a status code and no error-condition: the Python client reads the status only when there is
// none (with one, it reports an authentication failure without a status), and the others map the status code.
const unauthorized = (reason: string): Reply => ({ statusCode: 401, description: `Unauthorized: ${reason}.` });

/**
 * Whether `token` grants the entity path `wantedPath` (lower-cased) in this namespace, and until when. Decided by the token itself, not by a declared type, as the
 * service does: the Python client declares every token `jwt`, its SharedAccessSignature tokens included.
 */
export function checkToken(token: unknown, wantedPath: string, context: TokenContext): { ok: true; expiresAtMs: number } | { ok: false; reason: string } {
  const text = tokenText(token);
  if (!isSasToken(text)) {
    if (!context.verifyEntra) {
      return { ok: false, reason: 'Entra ID (jwt) tokens are not accepted by this emulator (no issuer to trust); use the SharedAccessKey connection string' };
    }
    const entra = context.verifyEntra(text, context.nowMs);
    // An Entra token is for the namespace (roles are not evaluated): it covers whatever entity was asked for.
    return entra.ok ? { ok: true, expiresAtMs: entra.expiresAtMs } : entra;
  }
  const checked = verifySasToken(text, context.key, context.nowMs);
  if (!checked.ok) return checked;
  const granted = checked.token.resource;
  if (!context.hostAccepted(granted.host)) return { ok: false, reason: `the token is for host '${granted.host}', not this namespace` };
  if (!pathCovers(granted.path, wantedPath)) return { ok: false, reason: `the token is for '${granted.path}', not '${wantedPath}'` };
  return { ok: true, expiresAtMs: checked.token.expiresAtMs };
}

export function handlePutToken(request: { body?: unknown; application_properties?: unknown }, grants: ConnectionGrants, context: TokenContext): Reply {
  const properties = request.application_properties;
  const operation = property(properties, 'operation');
  const audience = property(properties, 'name');
  if (operation !== 'put-token') return { statusCode: 400, description: `Unsupported $cbs operation '${String(operation)}'.` };
  if (typeof audience !== 'string') return { statusCode: 400, description: 'The put-token request has no audience (name).' };
  if (audience.length > MAX_AUDIENCE) return { statusCode: 400, description: `The audience is longer than ${MAX_AUDIENCE} characters.` };
  const wanted = parseResource(audience);
  if (!wanted) return unauthorized(`the audience '${audience.slice(0, 200)}' is not an sb:// URI of a namespace`);
  if (!context.hostAccepted(wanted.host)) return unauthorized(`the audience is for host '${wanted.host}', not this namespace`);
  const checked = checkToken(request.body, wanted.path, context);
  if (!checked.ok) return unauthorized(checked.reason);
  const missing = unknownEntity(context.store, audience, wanted.path);
  if (missing) return { statusCode: 404, description: entityNotFound(missing).description };
  if (!grants.add(wanted.path, checked.expiresAtMs, context.nowMs)) {
    return { statusCode: 403, description: `At most ${MAX_GRANTS} tokens for different entities per connection.` };
  }
  return { statusCode: 202, description: 'Accepted' };
}

// `$cbs` put-token: verifies a SAS token, or an Entra ID (jwt) token when the emulator was given an issuer to trust
// (entra.ts; refused otherwise), and records what it grants on this connection.
import type { EventStore } from './eventStore.ts';
import type { EntraVerifier } from './entra.ts';
import { entityNotFound } from './errors.ts';
import { audiencePath, tokenCovers, verifySasToken, type SasKey } from './sas.ts';

export interface Reply {
  statusCode: number;
  description: string;
  errorCondition?: string;
  body?: unknown;
}

/** What the tokens put on one connection grant: resource path → expiry (epoch ms). */
export class ConnectionGrants {
  private readonly grants = new Map<string, number>();

  add(path: string, expiresAtMs: number): void {
    this.grants.set(path, Math.max(expiresAtMs, this.grants.get(path) ?? 0));
  }

  allows(path: string, nowMs: number): boolean {
    const wanted = path.toLowerCase();
    for (const [granted, expiresAtMs] of this.grants) {
      if (expiresAtMs > nowMs && tokenCovers(granted, wanted)) return true;
    }
    return false;
  }
}

function property(properties: unknown, name: string): unknown {
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>)[name] : undefined;
}

/** Checks that the entity an audience names exists, so a typo fails fast (404 is not retried by the client). */
function unknownEntity(store: EventStore, audience: string): string | undefined {
  const [hubName, groupsSegment, group] = audiencePath(audience).split('/');
  if (!hubName) return undefined;
  const hub = store.hub(hubName);
  if (!hub.ok) return audience;
  if (groupsSegment === 'consumergroups' && group !== undefined && !store.consumerGroup(hub.value, group).ok) return audience;
  return undefined;
}

export function handlePutToken(
  request: { body?: unknown; application_properties?: unknown },
  grants: ConnectionGrants,
  key: SasKey,
  store: EventStore,
  nowMs: number,
  verifyEntra?: EntraVerifier,
): Reply {
  const properties = request.application_properties;
  const operation = property(properties, 'operation');
  const audience = property(properties, 'name');
  const type = property(properties, 'type');
  if (operation !== 'put-token') return { statusCode: 400, description: `Unsupported $cbs operation '${String(operation)}'.` };
  if (typeof audience !== 'string') return { statusCode: 400, description: 'The put-token request has no audience (name).' };
  const wanted = audiencePath(audience);
  let expiresAtMs: number;
  if (type === 'jwt') {
    if (!verifyEntra) {
      return { statusCode: 401, description: 'Entra ID (jwt) tokens are not accepted by this emulator (no issuer to trust); use the SharedAccessKey connection string.' };
    }
    const entra = verifyEntra(request.body, nowMs);
    if (!entra.ok) return { statusCode: 401, description: `Unauthorized: ${entra.reason}.` };
    expiresAtMs = entra.expiresAtMs; // an Entra token is for the namespace: it covers whatever entity was asked for
  } else {
    const checked = verifySasToken(request.body, key, nowMs);
    if (!checked.ok) return { statusCode: 401, description: `Unauthorized: ${checked.reason}.` };
    if (!tokenCovers(checked.token.path, wanted)) {
      return { statusCode: 401, description: `Unauthorized: the token is for '${checked.token.path}', not '${wanted}'.` };
    }
    expiresAtMs = checked.token.expiresAtMs;
  }
  const missing = unknownEntity(store, audience);
  if (missing) return { statusCode: 404, errorCondition: entityNotFound(missing).condition, description: entityNotFound(missing).description };
  grants.add(wanted, expiresAtMs);
  return { statusCode: 202, description: 'Accepted' };
}

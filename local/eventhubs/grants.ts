// What the tokens put on one connection grant, and until when. Only tokens for this connection's namespace are ever
// recorded (put-token checks the host), so a grant is a path within it.
import { pathCovers } from './sas.ts';

/** The host names a connection may present tokens for. */
export type HostCheck = (host: string) => boolean;

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

function hostWithoutPort(host: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(host);
  if (bracketed) return bracketed[1] ?? '';
  return host.split(':').length === 2 ? host.slice(0, host.indexOf(':')) : host; // an IPv6 address has several
}

/**
 * The service knows its namespace from the host name the client dialed (the open frame's `hostname`); a token for
 * any other host is refused. A client that names no host (raw AMQP tools) may use the loopback names and the address
 * the emulator is bound to.
 */
export function namespaceHosts(openHostname: unknown, boundHost: string): HostCheck {
  if (typeof openHostname === 'string' && openHostname !== '') {
    const dialed = hostWithoutPort(openHostname).toLowerCase();
    return (host) => host === dialed;
  }
  const names = new Set([...LOOPBACK, boundHost.toLowerCase()]);
  return (host) => names.has(host);
}

/** Distinct paths one connection may hold grants for: a client puts one per link (and per $management node). */
export const MAX_GRANTS = 1_000;

export class ConnectionGrants {
  private readonly grants = new Map<string, number>();

  /**
   * Records a grant for `path` (lower-cased) until `expiresAtMs`; a renewal extends it. False when the connection
   * already holds MAX_GRANTS unexpired grants for other paths (every accepted token would otherwise be kept).
   */
  add(path: string, expiresAtMs: number, nowMs: number): boolean {
    if (!this.grants.has(path) && this.grants.size >= MAX_GRANTS) {
      for (const [granted, until] of this.grants) if (until <= nowMs) this.grants.delete(granted);
      if (this.grants.size >= MAX_GRANTS) return false;
    }
    this.grants.set(path, Math.max(expiresAtMs, this.grants.get(path) ?? 0));
    return true;
  }

  /** True once any token has been accepted on the connection. */
  get any(): boolean {
    return this.grants.size > 0;
  }

  /** Until when the connection may use `path` (lower-cased): the latest expiry among grants covering it, 0 if none. */
  expiryFor(path: string): number {
    let latest = 0;
    for (const [granted, expiresAtMs] of this.grants) {
      if (expiresAtMs > latest && pathCovers(granted, path)) latest = expiresAtMs;
    }
    return latest;
  }

  allows(path: string, nowMs: number): boolean {
    return this.expiryFor(path) > nowMs;
  }
}

/** setTimeout's longest delay; a grant further out is checked again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface GrantWatch {
  /** Whether the link may still be used at `nowMs` (a renewal since the last check counts). */
  valid(nowMs: number): boolean;
  stop(): void;
}

/**
 * Watches what lets a link to `path` stay attached: when no token covering it is valid any more, `expired` is called
 * (the service detaches such a link with amqp:unauthorized-access). A renewal before then keeps the link going.
 */
export function watchGrant(grants: ConnectionGrants, path: string, expired: () => void): GrantWatch {
  let expiresAtMs = grants.expiryFor(path);
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    expiresAtMs = grants.expiryFor(path);
    const left = expiresAtMs - Date.now();
    if (left <= 0) {
      timer = undefined;
      return expired();
    }
    timer = setTimeout(check, Math.min(left, LONGEST_TIMER_MS));
    timer.unref();
  };
  check();
  return {
    valid: (nowMs) => nowMs < expiresAtMs || (expiresAtMs = grants.expiryFor(path)) > nowMs,
    stop: () => clearTimeout(timer),
  };
}

// The `$cbs` and `$management` nodes: requests arrive on a link the client attached to the node, answers go out on
// the link it attached from it. Tokens are checked for what they cover on every request.
import rhea, { type EventContext, type Receiver, type Sender } from 'rhea';
import { checkToken, handlePutToken, type Reply, type TokenContext } from './cbs.ts';
import type { EntraVerifier } from './entra.ts';
import type { EventStore } from './eventStore.ts';
import type { ConnectionGrants, HostCheck } from './grants.ts';
import { handleManagementRead } from './management.ts';
import type { SasKey } from './sas.ts';
import { tokenText } from './sas.ts';

export const REQUEST_NODES = new Set(['$cbs', '$management']);

export interface RequestConnection {
  id: number;
  grants: ConnectionGrants;
  /** Links to answer on, by link name and by target address (what a request's reply-to names). */
  replyLinks: Map<string, Sender>;
  /** The host names this connection may present tokens for (known once its open has arrived). */
  hostAccepted(): HostCheck;
}

export interface RequestDeps {
  key: SasKey;
  store: EventStore;
  verifyEntra?: EntraVerifier;
  warn(message: string): void;
}

export function addReplyLink(connection: RequestConnection, sender: Sender): void {
  connection.replyLinks.set(sender.name, sender);
  if (sender.target?.address) connection.replyLinks.set(String(sender.target.address), sender);
}

export function removeReplyLink(connection: RequestConnection, sender: Sender): void {
  for (const [key, link] of connection.replyLinks) if (link === sender) connection.replyLinks.delete(key);
}

/**
 * The JavaScript and .NET clients name their receiving link in reply-to; the Python client sends none and expects the
 * answer on the link it attached from the same node in the same session, as the service does.
 */
function replyLink(connection: RequestConnection, requestLink: Receiver, node: string, replyTo: unknown): Sender | undefined {
  if (replyTo !== undefined && replyTo !== null) return connection.replyLinks.get(String(replyTo));
  for (const link of connection.replyLinks.values()) {
    if (link.session === requestLink.session && link.source?.address === node && link.is_open()) return link;
  }
  return undefined;
}

function send(link: Sender, request: { message_id?: unknown }, answer: Reply): void {
  // An AMQP int, as the service sends it: the .NET client reads the status code only if it is typed int (a bare JS
  // number would go out as a long, and .NET would fail every request with "OK").
  const properties: Record<string, unknown> = {
    'status-code': rhea.types.wrap_int(answer.statusCode),
    'status-description': answer.description,
  };
  if (answer.errorCondition) properties['error-condition'] = answer.errorCondition;
  link.send({ correlation_id: request.message_id as string, application_properties: properties, body: answer.body });
}

export function onRequest(context: EventContext, connection: RequestConnection, node: string, deps: RequestDeps): void {
  const request: { message_id?: unknown; reply_to?: unknown; body?: unknown; application_properties?: unknown } = context.message ?? {};
  context.delivery?.accept();
  const tokens: TokenContext = { key: deps.key, store: deps.store, nowMs: Date.now(), hostAccepted: connection.hostAccepted(), verifyEntra: deps.verifyEntra };
  let answer: Reply;
  if (node === '$cbs') {
    answer = handlePutToken(request, connection.grants, tokens);
  } else {
    // A request's own token (JavaScript and .NET send a string, Python bytes or an (token, expiry) tuple) must cover
    // the hub's management node; without one readable, the connection's grants decide.
    const canRead = (hub: string, securityToken: unknown) => {
      const path = `${hub.toLowerCase()}/$management`;
      if (tokenText(securityToken) === undefined) return connection.grants.allows(path, tokens.nowMs);
      return checkToken(securityToken, path, tokens).ok;
    };
    answer = handleManagementRead(request, deps.store, canRead);
  }
  const link = replyLink(connection, context.receiver as Receiver, node, request.reply_to);
  if (!link?.is_open()) return deps.warn(`[conn ${connection.id}] no link to answer a request to ${node} on (reply-to '${String(request.reply_to)}')`);
  send(link, request, answer);
}

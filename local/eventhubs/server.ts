// The AMQP listener: one rhea container per emulator, routing each link to $cbs, $management, a producer or a
// consumer handler. Anything that goes wrong on one connection closes that connection only.
import type { Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Receiver, type Sender, type Session } from 'rhea';
import { answerAttach, echoSenderSettleMode, refuseAttach } from './attachReply.ts';
import type { ConnectionLimits } from './connectionGuard.ts';
import { entraVerifier, type EntraTrust } from './entra.ts';
import { Conditions, ensureError, SERVER_BUSY, type AmqpError } from './errors.ts';
import { linkEntityPath, type EventStore } from './eventStore.ts';
import { ConnectionGrants, namespaceHosts, watchGrant, type GrantWatch, type HostCheck } from './grants.ts';
import { attachInbound, onInboundTransfer, type InboundTarget } from './inboundLink.ts';
import { attachOutbound } from './outboundLink.ts';
import { OwnerLevels } from './ownerLevels.ts';
import { addReplyLink, onRequest, removeReplyLink, REQUEST_NODES, type RequestConnection } from './requests.ts';
import { offerCbsMechanisms } from './sasl.ts';
import type { SasKey } from './sas.ts';
import { closeWithError, listenForAmqp } from './socketServer.ts';

export interface EmulatorLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: EmulatorLogger = { debug: () => undefined, warn: () => undefined };

interface ConnectionState extends RequestConnection {
  inbound: Map<Receiver, { target: InboundTarget; grant: GrantWatch }>;
  /** Cleanups for consumer links, run when the link, its session or the connection goes away. */
  outbound: Map<Sender, () => void>;
  authTimer: NodeJS.Timeout | undefined;
}

export interface ServerOptions {
  port: number;
  host: string;
  store: EventStore;
  key: SasKey;
  logger: EmulatorLogger;
  limits: ConnectionLimits;
  /** Decides, per producer transfer, whether to refuse it as throttled (com.microsoft:server-busy). */
  throttled?: () => boolean;
  /** Serve AMQPS (TLS) instead of plain TCP, as the service does on 5671. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Accept Entra ID tokens from this issuer on $cbs (verified; see entra.ts). */
  entra?: EntraTrust;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(options: ServerOptions): Promise<RunningServer> {
  const { store, key, logger, limits } = options;
  const verifyEntra = options.entra ? entraVerifier(options.entra) : undefined;
  // autoaccept off: a producer's transfer is settled by onInboundTransfer once stored (after the fsync with dataDir),
  // and requests by onRequest; rhea's default would accept every transfer on arrival, before it is stored.
  const container = rhea.create_container({ id: 'eventhubs-emulator', autoaccept: false });
  offerCbsMechanisms(container);
  const ownerLevels = new OwnerLevels();
  const states = new WeakMap<Connection, ConnectionState>();
  let nextId = 1;

  const track = (connection: Connection): ConnectionState => {
    let hosts: HostCheck | undefined;
    const state: ConnectionState = {
      id: nextId++,
      grants: new ConnectionGrants(),
      replyLinks: new Map(),
      // Known once the client's open has arrived, before any request can.
      hostAccepted: () => (hosts ??= namespaceHosts((connection as unknown as { remote: { open?: { hostname?: unknown } } }).remote.open?.hostname, options.host)),
      inbound: new Map(),
      outbound: new Map(),
      authTimer: undefined,
    };
    state.authTimer = setTimeout(() => {
      if (state.grants.any) return;
      const description = `The connection was not authorized within the allowed ${limits.authDeadlineMs} milliseconds (no token was put on $cbs) and is closed.`;
      logger.debug(`[conn ${state.id}] ${description}`);
      closeWithError(connection, { condition: Conditions.connectionForced, description });
    }, limits.authDeadlineMs);
    state.authTimer.unref();
    states.set(connection, state);
    return state;
  };
  const refuse = (link: Sender | Receiver, state: ConnectionState, address: string, error: AmqpError) => {
    logger.debug(`[conn ${state.id}] link '${link.name}' to '${address}' refused: ${error.condition}: ${error.description}`);
    refuseAttach(link, error);
  };
  const unauthorized = (address: string): AmqpError => ({
    condition: Conditions.unauthorized,
    description: `Unauthorized access to '${address}': put a token on $cbs first.`,
  });
  const expired = (path: string): AmqpError => ({
    condition: Conditions.unauthorized,
    description: `The token for '${path}' has expired; the link is detached. Put a new token on $cbs before the old one expires.`,
  });
  const requestDeps = { key, store, verifyEntra, warn: logger.warn };

  container.on('connection_open', (context: EventContext) => {
    const state = states.get(context.connection);
    const socket = (context.connection as unknown as { socket?: Socket }).socket;
    logger.debug(`[conn ${state?.id ?? '-'}] opened from ${socket?.remoteAddress ?? '?'}:${socket?.remotePort ?? '?'}`);
  });

  container.on('session_open', (context: EventContext) => {
    // rhea's begin leaves handle-max out; the Python client compares its next handle with it.
    (context.session as unknown as { local: { begin: { handle_max: number } } }).local.begin.handle_max = limits.handleMax;
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const state = states.get(context.connection);
    if (!state) return;
    echoSenderSettleMode(receiver);
    answerAttach(receiver);
    const address = String(receiver.target?.address ?? '');
    if (REQUEST_NODES.has(address)) {
      logger.debug(`[conn ${state.id}] link '${receiver.name}' attached for requests to ${address}`);
      receiver.on('message', (ctx: EventContext) => {
        onRequest(ctx, state, address, requestDeps);
        if (state.grants.any) clearTimeout(state.authTimer);
      });
      return;
    }
    const target = attachInbound(receiver, store);
    if (!target.ok) return refuse(receiver, state, address, target.error);
    const path = linkEntityPath(address).toLowerCase();
    if (!state.grants.allows(path, Date.now())) return refuse(receiver, state, address, unauthorized(address));
    const grant = watchGrant(state.grants, path, () => {
      state.inbound.delete(receiver);
      logger.debug(`[conn ${state.id}] producer link '${receiver.name}' detached: its token expired`);
      receiver.close(expired(path));
    });
    state.inbound.set(receiver, { target: target.value, grant });
    logger.debug(`[conn ${state.id}] producer link '${receiver.name}' attached to '${address}'`);
    receiver.on('message', (ctx: EventContext) => {
      const delivery = ctx.delivery as Delivery;
      if (!grant.valid(Date.now())) return delivery.reject(expired(path));
      if (options.throttled?.()) return delivery.reject(SERVER_BUSY);
      const format = (ctx as unknown as { format?: number }).format ?? 0;
      onInboundTransfer(target.value, store, delivery, ctx.message ?? Buffer.alloc(0), format, (error) =>
        logger.warn(`[conn ${state.id}] storage error: ${error.message}`),
      );
    });
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    const state = states.get(context.connection);
    if (!state) return;
    echoSenderSettleMode(sender);
    answerAttach(sender);
    const address = String(sender.source?.address ?? '');
    if (REQUEST_NODES.has(address)) {
      addReplyLink(state, sender);
      logger.debug(`[conn ${state.id}] link '${sender.name}' attached for replies from ${address}`);
      return;
    }
    const path = linkEntityPath(address).toLowerCase();
    if (!state.grants.allows(path, Date.now()) && store.resolveReceiveSource(address).ok) {
      return refuse(sender, state, address, unauthorized(address));
    }
    const detach = (error: AmqpError) => {
      state.outbound.get(sender)?.();
      state.outbound.delete(sender);
      logger.debug(`[conn ${state.id}] consumer link '${sender.name}' detached: ${error.condition}`);
      sender.close(error);
    };
    const attached = attachOutbound(sender, store, ownerLevels, detach);
    if (!attached.ok) return refuse(sender, state, address, attached.error);
    const grant = watchGrant(state.grants, path, () => detach(expired(path)));
    state.outbound.set(sender, () => {
      attached.cleanup();
      grant.stop();
    });
    logger.debug(`[conn ${state.id}] consumer link '${sender.name}' attached to '${address}'`);
  });

  const forget = (state: ConnectionState, link: Sender | Receiver) => {
    if (link.is_sender()) {
      const sender = link as Sender;
      state.outbound.get(sender)?.();
      state.outbound.delete(sender);
      removeReplyLink(state, sender);
    } else {
      state.inbound.get(link as Receiver)?.grant.stop();
      state.inbound.delete(link as Receiver);
    }
  };
  const dropLink = (context: EventContext) => {
    const state = states.get(context.connection);
    const link = context.sender ?? context.receiver;
    if (state && link) forget(state, link);
  };
  container.on('sender_close', dropLink);
  container.on('receiver_close', dropLink);
  container.on('sender_error', () => undefined);
  container.on('receiver_error', () => undefined);
  container.on('session_error', () => undefined);
  container.on('session_close', (context: EventContext) => {
    const state = states.get(context.connection);
    const session = context.session as Session;
    if (!state) return;
    for (const link of [...state.outbound.keys(), ...state.inbound.keys(), ...state.replyLinks.values()]) {
      if (link.session === session) forget(state, link);
    }
  });

  const dropConnection = (context: EventContext, why: string) => {
    const state = states.get(context.connection);
    if (!state) return;
    for (const cleanup of state.outbound.values()) cleanup();
    for (const { grant } of state.inbound.values()) grant.stop();
    state.outbound.clear();
    state.inbound.clear();
    clearTimeout(state.authTimer);
    states.delete(context.connection);
    logger.debug(`[conn ${state.id}] closed (${why})`);
  };
  container.on('connection_close', (context: EventContext) => dropConnection(context, 'by client'));
  container.on('connection_error', (context: EventContext) => dropConnection(context, `error ${String((context.connection.error as AmqpError | undefined)?.condition ?? '')}`));
  container.on('disconnected', (context: EventContext) => dropConnection(context, `disconnected ${context.error?.message ?? ''}`));
  // Errors rhea could not attribute to a handler (e.g. a link detached with an error nobody listened for).
  container.on('error', (error: unknown) => logger.warn(`amqp error: ${ensureError(error).message}`));

  return listenForAmqp(container, {
    port: options.port,
    host: options.host,
    tls: options.tls,
    limits,
    onConnection: track,
    authenticated: (connection) => states.get(connection)?.grants.any ?? false,
    onLateFrame: (connection, frame, channel) => logger.debug(`[conn ${states.get(connection)?.id ?? '-'}] ${frame} for ended channel ${channel} ignored`),
    onBadInput: (connection, message) => logger.warn(`[conn ${states.get(connection)?.id ?? '-'}] malformed input, closing the connection: ${message}`),
  });
}

// The AMQP listener: one rhea container per emulator, routing each link to $cbs, $management, a producer or a
// consumer handler. Anything that goes wrong on one connection closes that connection only.
import type { Socket } from 'node:net';
import rhea, { type Connection, type Delivery, type EventContext, type Receiver, type Sender, type Session } from 'rhea';
import { echoSenderSettleMode, refuseAttach } from './attachReply.ts';
import { ConnectionGrants, handlePutToken, type Reply } from './cbs.ts';
import { entraVerifier, type EntraTrust } from './entra.ts';
import { Conditions, ensureError, SERVER_BUSY, type AmqpError } from './errors.ts';
import { linkEntityPath, type EventStore } from './eventStore.ts';
import { attachInbound, onInboundTransfer, type InboundTarget } from './inboundLink.ts';
import { handleManagementRead } from './management.ts';
import { attachOutbound } from './outboundLink.ts';
import { OwnerLevels } from './ownerLevels.ts';
import { offerCbsMechanisms } from './sasl.ts';
import { verifySasToken, type SasKey } from './sas.ts';
import { listenForAmqp } from './socketServer.ts';

export interface EmulatorLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: EmulatorLogger = { debug: () => undefined, warn: () => undefined };

interface ConnectionState {
  id: number;
  grants: ConnectionGrants;
  /** Links to answer $cbs/$management requests on, by link name and by address (the request's reply_to). */
  replyLinks: Map<string, Sender>;
  inbound: Map<Receiver, InboundTarget>;
  /** Cleanups for consumer links, run when the link, its session or the connection goes away. */
  outbound: Map<Sender, () => void>;
}

export interface ServerOptions {
  port: number;
  host: string;
  store: EventStore;
  key: SasKey;
  logger: EmulatorLogger;
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

const SPECIAL = new Set(['$cbs', '$management']);

export async function listen(options: ServerOptions): Promise<RunningServer> {
  const { store, key, logger } = options;
  const verifyEntra = options.entra ? entraVerifier(options.entra) : undefined;
  // autoaccept off: a producer's transfer is settled by onInboundTransfer once stored (after the fsync with dataDir),
  // and requests by onRequest; rhea's default would accept every transfer on arrival, before it is stored.
  const container = rhea.create_container({ id: 'eventhubs-emulator', autoaccept: false });
  offerCbsMechanisms(container);
  const ownerLevels = new OwnerLevels();
  const states = new WeakMap<Connection, ConnectionState>();
  let nextId = 1;

  const stateOf = (connection: Connection): ConnectionState => {
    let state = states.get(connection);
    if (!state) {
      state = { id: nextId++, grants: new ConnectionGrants(), replyLinks: new Map(), inbound: new Map(), outbound: new Map() };
      states.set(connection, state);
    }
    return state;
  };
  const refuse = (link: Sender | Receiver, state: ConnectionState, address: string, error: AmqpError) => {
    logger.debug(`[conn ${state.id}] link '${link.name}' to '${address}' refused: ${error.condition}: ${error.description}`);
    refuseAttach(link, error);
  };
  const authorized = (state: ConnectionState, address: string) => state.grants.allows(linkEntityPath(address), Date.now());
  const unauthorized = (address: string): AmqpError => ({
    condition: Conditions.unauthorized,
    description: `Unauthorized access to '${address}': put a token on $cbs first.`,
  });

  const reply = (state: ConnectionState, request: { message_id?: unknown; reply_to?: unknown }, answer: Reply) => {
    const link = state.replyLinks.get(String(request.reply_to ?? ''));
    if (!link?.is_open()) return logger.warn(`[conn ${state.id}] no reply link '${String(request.reply_to)}'`);
    // An AMQP int, as the service sends it: the .NET client reads the status code only if it is typed int (a bare JS
    // number would go out as a long, and .NET would fail every request with "OK").
    const properties: Record<string, unknown> = {
      'status-code': rhea.types.wrap_int(answer.statusCode),
      'status-description': answer.description,
    };
    if (answer.errorCondition) properties['error-condition'] = answer.errorCondition;
    link.send({ correlation_id: request.message_id as string, application_properties: properties, body: answer.body });
  };

  const onRequest = (context: EventContext, state: ConnectionState, address: string) => {
    const request = context.message ?? {};
    context.delivery?.accept();
    if (address === '$cbs') return reply(state, request, handlePutToken(request, state.grants, key, store, Date.now(), verifyEntra));
    const canRead = (hub: string, token: unknown) => {
      const checked = token === undefined ? undefined : verifySasToken(token, key, Date.now());
      return checked ? checked.ok : authorized(state, hub);
    };
    reply(state, request, handleManagementRead(request, store, canRead));
  };

  container.on('connection_open', (context: EventContext) => {
    const state = stateOf(context.connection);
    const socket = (context.connection as unknown as { socket?: Socket }).socket;
    logger.debug(`[conn ${state.id}] opened from ${socket?.remoteAddress ?? '?'}:${socket?.remotePort ?? '?'}`);
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const state = stateOf(context.connection);
    echoSenderSettleMode(receiver);
    const address = String(receiver.target?.address ?? '');
    if (SPECIAL.has(address)) {
      receiver.set_target({ address });
      logger.debug(`[conn ${state.id}] link '${receiver.name}' attached for requests to ${address}`);
      receiver.on('message', (ctx: EventContext) => onRequest(ctx, state, address));
      return;
    }
    const target = attachInbound(receiver, store);
    if (!target.ok) return refuse(receiver, state, address, target.error);
    if (!authorized(state, address)) return refuse(receiver, state, address, unauthorized(address));
    state.inbound.set(receiver, target.value);
    logger.debug(`[conn ${state.id}] producer link '${receiver.name}' attached to '${address}'`);
    receiver.on('message', (ctx: EventContext) => {
      const delivery = ctx.delivery as Delivery;
      if (options.throttled?.()) return delivery.reject(SERVER_BUSY);
      const format = (ctx as unknown as { format?: number }).format ?? 0;
      onInboundTransfer(target.value, store, delivery, ctx.message ?? Buffer.alloc(0), format, (error) =>
        logger.warn(`[conn ${state.id}] storage error: ${error.message}`),
      );
    });
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    const state = stateOf(context.connection);
    echoSenderSettleMode(sender);
    const address = String(sender.source?.address ?? '');
    if (SPECIAL.has(address)) {
      sender.set_source({ address });
      sender.set_target({ address: String(sender.target?.address ?? '') });
      state.replyLinks.set(sender.name, sender);
      if (sender.target?.address) state.replyLinks.set(String(sender.target.address), sender);
      logger.debug(`[conn ${state.id}] link '${sender.name}' attached for replies from ${address}`);
      return;
    }
    if (!authorized(state, address) && store.resolveReceiveSource(address).ok) {
      return refuse(sender, state, address, unauthorized(address));
    }
    const attached = attachOutbound(sender, store, ownerLevels, (error) => {
      state.outbound.delete(sender);
      logger.debug(`[conn ${state.id}] consumer link '${sender.name}' detached: ${error.condition}`);
      sender.close(error);
    });
    if (!attached.ok) return refuse(sender, state, address, attached.error);
    state.outbound.set(sender, attached.cleanup);
    logger.debug(`[conn ${state.id}] consumer link '${sender.name}' attached to '${address}'`);
  });

  const dropLink = (context: EventContext) => {
    const state = states.get(context.connection);
    const sender = context.sender;
    if (state && sender) {
      state.outbound.get(sender)?.();
      state.outbound.delete(sender);
    }
    if (state && context.receiver) state.inbound.delete(context.receiver);
  };
  container.on('sender_close', dropLink);
  container.on('receiver_close', dropLink);
  container.on('sender_error', () => undefined);
  container.on('receiver_error', () => undefined);
  container.on('session_error', () => undefined);
  container.on('session_close', (context: EventContext) => {
    const state = states.get(context.connection);
    const session = context.session as Session;
    for (const [sender, cleanup] of state?.outbound ?? []) {
      if (sender.session === session) {
        cleanup();
        state?.outbound.delete(sender);
      }
    }
  });

  const dropConnection = (context: EventContext, why: string) => {
    const state = states.get(context.connection);
    if (!state) return;
    for (const cleanup of state.outbound.values()) cleanup();
    state.outbound.clear();
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
    onBadInput: (connection, message) => logger.warn(`[conn ${states.get(connection)?.id ?? '-'}] malformed input, closing the connection: ${message}`),
  });
}

// One Kafka client connection: splits the byte stream into size-prefixed requests, decodes each header and body,
// runs its handler, and writes the responses in request order (Kafka clients pipeline requests and match responses by
// order and correlation id). Before SASL authentication only ApiVersions and the SASL requests are served: anything
// else closes the connection, as Event Hubs does. A request that cannot be decoded closes only its own connection; an
// API or version the emulator does not serve is answered with UNSUPPORTED_VERSION and the connection stays open.
import type { Socket } from 'node:net';
import { ensureError } from '../errors.ts';
import type { Handler, KafkaContext, Session } from './context.ts';
import { ErrorCode } from './errorCodes.ts';
import { fetch, listOffsets } from './handlers/fetch.ts';
import { heartbeat, joinGroup, leaveGroup, offsetCommit, offsetFetch, syncGroup } from './handlers/groups.ts';
import { produce } from './handlers/produce.ts';
import { apiVersions, apiVersionsBody, authenticate, findCoordinator, metadata, saslAuthenticate, saslHandshake } from './handlers/session.ts';
import { API_KEYS, APIS } from './messages.ts';
import { decode, encode, type Decoded, type MessageSchema } from './schema.ts';
import { KafkaDecodeError, Reader, Writer } from './wire.ts';

const HANDLERS = new Map<number, Handler>([
  [API_KEYS.produce, produce], [API_KEYS.fetch, fetch], [API_KEYS.listOffsets, listOffsets], [API_KEYS.metadata, metadata],
  [API_KEYS.offsetCommit, offsetCommit], [API_KEYS.offsetFetch, offsetFetch], [API_KEYS.findCoordinator, findCoordinator],
  [API_KEYS.joinGroup, joinGroup], [API_KEYS.heartbeat, heartbeat], [API_KEYS.leaveGroup, leaveGroup], [API_KEYS.syncGroup, syncGroup],
  [API_KEYS.saslHandshake, saslHandshake], [API_KEYS.apiVersions, apiVersions], [API_KEYS.saslAuthenticate, saslAuthenticate],
]);
const BEFORE_AUTHENTICATION = new Set<number>([API_KEYS.apiVersions, API_KEYS.saslHandshake, API_KEYS.saslAuthenticate]);
/** The largest request accepted: a produce of 1 MB batches to many partitions fits; a hostile size does not. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

function frame(correlationId: number, flexibleHeader: boolean, body: (writer: Writer) => void): Buffer {
  const writer = new Writer(256);
  const setSize = writer.reserve32();
  writer.int32(correlationId);
  if (flexibleHeader) writer.uvarint(0);
  body(writer);
  setSize(writer.at - 4);
  return writer.finish();
}

function response(correlationId: number, schema: MessageSchema, version: number, body: Decoded, headerFlexible: boolean): Buffer {
  return frame(correlationId, headerFlexible, (writer) => encode(schema, version, body, writer));
}

export function serveConnection(socket: Socket, session: Session, context: KafkaContext, onClosed: () => void): void {
  const log = (message: string) => context.logger.debug(`[kafka conn ${session.id}] ${message}`);
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let queue: Promise<void> = Promise.resolve();
  let closing = false;

  const close = (why: string) => {
    if (session.closed) return;
    log(`closed (${why})`);
    session.closed = true;
    socket.destroy();
  };
  session.closeAfterResponse = () => {
    closing = true;
  };
  const send = (result: Promise<Buffer | undefined>) => {
    queue = queue.then(async () => {
      const bytes = await result;
      if (bytes && !session.closed) socket.write(bytes);
      if (closing && !session.closed) {
        session.closed = true;
        socket.end();
      }
    }).catch((error: unknown) => {
      context.logger.warn(`[kafka conn ${session.id}] error: ${ensureError(error).message}`);
      close(`error: ${ensureError(error).message}`);
    });
  };

  const handle = (request: Buffer): void => {
    if (session.rawSaslNext) {
      // After a version 0 handshake the client sends its SASL token bare, and success is an empty frame.
      session.rawSaslNext = false;
      const refusal = authenticate(request, session, context);
      if (refusal !== undefined) return close(refusal);
      return send(Promise.resolve(Buffer.alloc(4)));
    }
    const reader = new Reader(request);
    const apiKey = reader.int16();
    const version = reader.int16();
    const correlationId = reader.int32();
    const api = APIS.get(apiKey);
    if (!api || version < api.minVersion || version > api.maxVersion) {
      log(`api ${api?.name ?? apiKey} v${version} not served: UNSUPPORTED_VERSION`);
      // ApiVersions answers in version 0, whose layout every client knows, listing what is served.
      if (apiKey === API_KEYS.apiVersions) {
        const schema = (APIS.get(API_KEYS.apiVersions) as NonNullable<typeof api>).response;
        return send(Promise.resolve(response(correlationId, schema, 0, apiVersionsBody(ErrorCode.unsupportedVersion), false)));
      }
      return send(Promise.resolve(frame(correlationId, false, (writer) => writer.int16(ErrorCode.unsupportedVersion))));
    }
    session.clientId = reader.string(false) ?? '';
    const flexible = version >= api.request.flexibleFrom;
    if (flexible) for (let tags = reader.uvarint(); tags > 0; tags--) reader.raw((reader.uvarint(), reader.uvarint()));
    const body = decode(api.request, version, reader);
    if (!session.authenticated && !BEFORE_AUTHENTICATION.has(apiKey)) {
      return close(`${api.name} before SASL authentication: connect with SASL PLAIN, username $ConnectionString, the connection string as password`);
    }
    const handler = HANDLERS.get(apiKey) as Handler;
    // ApiVersions always answers with the classic response header, whatever its version.
    const headerFlexible = apiKey !== API_KEYS.apiVersions && version >= api.response.flexibleFrom;
    send(Promise.resolve(handler(body, version, session, context)).then((answer) =>
      answer === undefined ? undefined : response(correlationId, api.response, version, answer, headerFlexible)));
  };

  const onData = (chunk: Buffer) => {
    buffered.push(chunk);
    bufferedBytes += chunk.length;
    while (bufferedBytes >= 4 && !session.closed) {
      // Chunks are joined once a whole request is there, not on every chunk: a 1 MB produce arrives in many pieces.
      if ((buffered[0] as Buffer).length < 4) buffered = [Buffer.concat(buffered)];
      const size = (buffered[0] as Buffer).readInt32BE(0);
      if (size < 8 || size > MAX_REQUEST_BYTES) return close(`request size ${size} out of range (8..${MAX_REQUEST_BYTES}): not a Kafka client?`);
      if (bufferedBytes < 4 + size) return;
      if (buffered.length > 1) buffered = [Buffer.concat(buffered)];
      const data = buffered[0] as Buffer;
      const request = data.subarray(4, 4 + size);
      buffered = data.length > 4 + size ? [data.subarray(4 + size)] : [];
      bufferedBytes = data.length - 4 - size;
      try {
        handle(request);
      } catch (error) {
        const why = error instanceof KafkaDecodeError ? `malformed request: ${error.message}` : `error: ${ensureError(error).message}`;
        if (!(error instanceof KafkaDecodeError)) context.logger.warn(`[kafka conn ${session.id}] ${why}`);
        return close(why);
      }
    }
  };

  socket.on('data', onData);
  socket.on('error', (error) => close(`socket error: ${error.message}`));
  socket.on('close', () => {
    session.closed = true;
    onClosed();
  });
}

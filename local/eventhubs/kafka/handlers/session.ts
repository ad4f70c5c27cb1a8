// ApiVersions, SASL (handshake and authenticate), Metadata and FindCoordinator: what a client asks before its first
// produce or fetch.
import { authenticatePlain } from '../auth.ts';
import { advertisedHost, NODE_ID, topicOf, type Handler } from '../context.ts';
import { ErrorCode } from '../errorCodes.ts';
import { APIS } from '../messages.ts';
import type { Decoded } from '../schema.ts';

export const MECHANISMS = ['PLAIN'];

export function apiVersionsBody(errorCode: number): Decoded {
  return {
    ErrorCode: errorCode,
    ApiKeys: [...APIS.values()].map((api) => ({ ApiKey: api.key, MinVersion: api.minVersion, MaxVersion: api.maxVersion })),
    ThrottleTimeMs: 0,
  };
}

export const apiVersions: Handler = () => apiVersionsBody(ErrorCode.none);

export const saslHandshake: Handler = (request, version, session) => {
  if (session.authenticated) return { ErrorCode: ErrorCode.illegalSaslState, Mechanisms: MECHANISMS };
  if (request['Mechanism'] !== 'PLAIN') return { ErrorCode: ErrorCode.unsupportedSaslMechanism, Mechanisms: MECHANISMS };
  session.mechanism = 'PLAIN';
  session.rawSaslNext = version === 0;
  return { ErrorCode: ErrorCode.none, Mechanisms: MECHANISMS };
};

/** Checks PLAIN credentials; a refusal ends the connection after its answer, as a Kafka broker does. */
export function authenticate(bytes: Buffer, session: Parameters<Handler>[2], context: Parameters<Handler>[3]): string | undefined {
  const result = authenticatePlain(bytes, context.key, Date.now());
  if (result.ok) {
    session.authenticated = true;
    session.scope = result.scope;
    context.logger.debug(`[kafka conn ${session.id}] authenticated (${result.scope === '' ? 'namespace' : `hub ${result.scope}`})`);
    return undefined;
  }
  context.logger.debug(`[kafka conn ${session.id}] authentication failed: ${result.reason}`);
  session.closeAfterResponse();
  return `Invalid SASL/PLAIN authentication: ${result.reason}`;
}

export const saslAuthenticate: Handler = (request, _version, session, context) => {
  if (session.authenticated || session.mechanism !== 'PLAIN') {
    session.closeAfterResponse();
    return { ErrorCode: ErrorCode.illegalSaslState, ErrorMessage: 'SaslHandshake with mechanism PLAIN must come first', AuthBytes: Buffer.alloc(0), SessionLifetimeMs: 0 };
  }
  const refusal = authenticate((request['AuthBytes'] as Buffer | null) ?? Buffer.alloc(0), session, context);
  return {
    ErrorCode: refusal === undefined ? ErrorCode.none : ErrorCode.saslAuthenticationFailed,
    ErrorMessage: refusal ?? null,
    AuthBytes: Buffer.alloc(0),
    SessionLifetimeMs: 0,
  };
};

const partitionsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    ErrorCode: ErrorCode.none, PartitionIndex: i, LeaderId: NODE_ID, LeaderEpoch: 0, ReplicaNodes: [NODE_ID], IsrNodes: [NODE_ID], OfflineReplicas: [],
  }));

const NO_OPERATIONS = -2147483648;

export const metadata: Handler = (request, version, session, context) => {
  const asked = request['Topics'] as Array<{ Name: string | null }> | null;
  // Version 0 asks for every topic with an empty list; later versions with null.
  const all = asked === null || (version === 0 && asked.length === 0);
  const names = all
    ? context.hubNames.filter((name) => session.scope === '' || session.scope === name.toLowerCase())
    : asked.map((t) => t.Name);
  const topics = names.map((name) => {
    const topic = topicOf(name, session, context);
    const base = { Name: name ?? (version >= 12 ? null : ''), TopicId: Buffer.alloc(16), IsInternal: false, TopicAuthorizedOperations: NO_OPERATIONS };
    if ('errorCode' in topic) return { ...base, ErrorCode: topic.errorCode, Partitions: [] };
    return { ...base, ErrorCode: ErrorCode.none, Partitions: partitionsOf(topic.hub.partitions.length) };
  });
  return {
    ThrottleTimeMs: 0,
    Brokers: [{ NodeId: NODE_ID, Host: advertisedHost(session, context), Port: context.port(), Rack: null }],
    ClusterId: context.clusterId,
    ControllerId: NODE_ID,
    Topics: topics,
    ClusterAuthorizedOperations: NO_OPERATIONS,
  };
};

export const findCoordinator: Handler = (request, _version, session, context) => {
  const keyType = (request['KeyType'] as number | undefined) ?? 0;
  if (keyType !== 0) {
    return { ThrottleTimeMs: 0, ErrorCode: ErrorCode.coordinatorNotAvailable, ErrorMessage: 'transactions are not supported', NodeId: -1, Host: '', Port: -1 };
  }
  return { ThrottleTimeMs: 0, ErrorCode: ErrorCode.none, ErrorMessage: null, NodeId: NODE_ID, Host: advertisedHost(session, context), Port: context.port() };
};

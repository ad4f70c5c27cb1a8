// The requests and responses the emulator serves, at the versions it advertises, transcribed field by field from the
// protocol's message definitions (clients/src/main/resources/common/message/*.json in apache/kafka). The ranges are
// what kafkajs 2 and librdkafka 2 negotiate and a little more; the first version of each range is the oldest one a
// record-batch (magic 2) client can send.
import { array, f, message, structs, type MessageSchema } from './schema.ts';

export interface ApiDefinition {
  key: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  request: MessageSchema;
  response: MessageSchema;
}

const throttle = (versions: string) => f('ThrottleTimeMs', 'int32', versions);

const produce: ApiDefinition = {
  key: 0, name: 'Produce', minVersion: 3, maxVersion: 9,
  request: message('9+',
    f('TransactionalId', 'string', '3+', '3+'), f('Acks', 'int16'), f('TimeoutMs', 'int32'),
    f('TopicData', structs(f('Name', 'string'), f('PartitionData', structs(f('Index', 'int32'), f('Records', 'records', '0+', '0+')))))),
  response: message('9+',
    f('Responses', structs(f('Name', 'string'), f('PartitionResponses', structs(
      f('Index', 'int32'), f('ErrorCode', 'int16'), f('BaseOffset', 'int64'), f('LogAppendTimeMs', 'int64', '2+'),
      f('LogStartOffset', 'int64', '5+'),
      f('RecordErrors', structs(f('BatchIndex', 'int32'), f('BatchIndexErrorMessage', 'string', '0+', '0+')), '8+'),
      f('ErrorMessage', 'string', '8+', '8+'))))),
    throttle('1+')),
};

const fetch: ApiDefinition = {
  key: 1, name: 'Fetch', minVersion: 4, maxVersion: 12,
  request: message('12+',
    f('ClusterId', 'string', '12+', '12+', 0), f('ReplicaId', 'int32'), f('MaxWaitMs', 'int32'), f('MinBytes', 'int32'),
    f('MaxBytes', 'int32', '3+'), f('IsolationLevel', 'int8', '4+'), f('SessionId', 'int32', '7+'), f('SessionEpoch', 'int32', '7+'),
    f('Topics', structs(f('Topic', 'string'), f('Partitions', structs(
      f('Partition', 'int32'), f('CurrentLeaderEpoch', 'int32', '9+'), f('FetchOffset', 'int64'), f('LastFetchedEpoch', 'int32', '12+'),
      f('LogStartOffset', 'int64', '5+'), f('PartitionMaxBytes', 'int32'))))),
    f('ForgottenTopicsData', structs(f('Topic', 'string'), f('Partitions', array('int32'))), '7+'),
    f('RackId', 'string', '11+')),
  response: message('12+',
    throttle('1+'), f('ErrorCode', 'int16', '7+'), f('SessionId', 'int32', '7+'),
    f('Responses', structs(f('Topic', 'string'), f('PartitionResponses', structs(
      f('Partition', 'int32'), f('ErrorCode', 'int16'), f('HighWatermark', 'int64'), f('LastStableOffset', 'int64', '4+'),
      f('LogStartOffset', 'int64', '5+'),
      f('AbortedTransactions', structs(f('ProducerId', 'int64'), f('FirstOffset', 'int64')), '4+', '4+'),
      f('PreferredReadReplica', 'int32', '11+'), f('RecordSet', 'records', '0+', '0+')))))),
};

const listOffsets: ApiDefinition = {
  key: 2, name: 'ListOffsets', minVersion: 0, maxVersion: 7,
  request: message('6+',
    f('ReplicaId', 'int32'), f('IsolationLevel', 'int8', '2+'),
    f('Topics', structs(f('Name', 'string'), f('Partitions', structs(
      f('PartitionIndex', 'int32'), f('CurrentLeaderEpoch', 'int32', '4+'), f('Timestamp', 'int64'), f('MaxNumOffsets', 'int32', '0')))))),
  response: message('6+',
    throttle('2+'),
    f('Topics', structs(f('Name', 'string'), f('Partitions', structs(
      f('PartitionIndex', 'int32'), f('ErrorCode', 'int16'), f('OldStyleOffsets', array('int64'), '0'),
      f('Timestamp', 'int64', '1+'), f('Offset', 'int64', '1+'), f('LeaderEpoch', 'int32', '4+')))))),
};

const metadata: ApiDefinition = {
  key: 3, name: 'Metadata', minVersion: 0, maxVersion: 12,
  request: message('9+',
    f('Topics', structs(f('TopicId', 'uuid', '10+'), f('Name', 'string', '0+', '10+')), '0+', '1+'),
    f('AllowAutoTopicCreation', 'bool', '4+'), f('IncludeClusterAuthorizedOperations', 'bool', '8-10'),
    f('IncludeTopicAuthorizedOperations', 'bool', '8+')),
  response: message('9+',
    throttle('3+'),
    f('Brokers', structs(f('NodeId', 'int32'), f('Host', 'string'), f('Port', 'int32'), f('Rack', 'string', '1+', '1+'))),
    f('ClusterId', 'string', '2+', '2+'), f('ControllerId', 'int32', '1+'),
    f('Topics', structs(
      f('ErrorCode', 'int16'), f('Name', 'string', '0+', '12+'), f('TopicId', 'uuid', '10+'), f('IsInternal', 'bool', '1+'),
      f('Partitions', structs(
        f('ErrorCode', 'int16'), f('PartitionIndex', 'int32'), f('LeaderId', 'int32'), f('LeaderEpoch', 'int32', '7+'),
        f('ReplicaNodes', array('int32')), f('IsrNodes', array('int32')), f('OfflineReplicas', array('int32'), '5+'))),
      f('TopicAuthorizedOperations', 'int32', '8+'))),
    f('ClusterAuthorizedOperations', 'int32', '8-10')),
};

const offsetCommit: ApiDefinition = {
  key: 8, name: 'OffsetCommit', minVersion: 0, maxVersion: 8,
  request: message('8+',
    f('GroupId', 'string'), f('GenerationId', 'int32', '1+'), f('MemberId', 'string', '1+'),
    f('GroupInstanceId', 'string', '7+', '7+'), f('RetentionTimeMs', 'int64', '2-4'),
    f('Topics', structs(f('Name', 'string'), f('Partitions', structs(
      f('PartitionIndex', 'int32'), f('CommittedOffset', 'int64'), f('CommittedLeaderEpoch', 'int32', '6+'),
      f('CommitTimestamp', 'int64', '1'), f('CommittedMetadata', 'string', '0+', '0+')))))),
  response: message('8+',
    throttle('3+'),
    f('Topics', structs(f('Name', 'string'), f('Partitions', structs(f('PartitionIndex', 'int32'), f('ErrorCode', 'int16')))))),
};

const offsetFetch: ApiDefinition = {
  key: 9, name: 'OffsetFetch', minVersion: 0, maxVersion: 7,
  request: message('6+',
    f('GroupId', 'string'),
    f('Topics', structs(f('Name', 'string'), f('PartitionIndexes', array('int32'))), '0+', '2+'),
    f('RequireStable', 'bool', '7+')),
  response: message('6+',
    throttle('3+'),
    f('Topics', structs(f('Name', 'string'), f('Partitions', structs(
      f('PartitionIndex', 'int32'), f('CommittedOffset', 'int64'), f('CommittedLeaderEpoch', 'int32', '5+'),
      f('Metadata', 'string', '0+', '0+'), f('ErrorCode', 'int16'))))),
    f('ErrorCode', 'int16', '2+')),
};

const findCoordinator: ApiDefinition = {
  key: 10, name: 'FindCoordinator', minVersion: 0, maxVersion: 3,
  request: message('3+', f('Key', 'string'), f('KeyType', 'int8', '1+')),
  response: message('3+',
    throttle('1+'), f('ErrorCode', 'int16'), f('ErrorMessage', 'string', '1+', '1+'),
    f('NodeId', 'int32'), f('Host', 'string'), f('Port', 'int32')),
};

const joinGroup: ApiDefinition = {
  key: 11, name: 'JoinGroup', minVersion: 0, maxVersion: 7,
  request: message('6+',
    f('GroupId', 'string'), f('SessionTimeoutMs', 'int32'), f('RebalanceTimeoutMs', 'int32', '1+'), f('MemberId', 'string'),
    f('GroupInstanceId', 'string', '5+', '5+'), f('ProtocolType', 'string'),
    f('Protocols', structs(f('Name', 'string'), f('Metadata', 'bytes')))),
  response: message('6+',
    throttle('2+'), f('ErrorCode', 'int16'), f('GenerationId', 'int32'),
    f('ProtocolType', 'string', '7+', '7+'), f('ProtocolName', 'string', '0+', '7+'),
    f('Leader', 'string'), f('MemberId', 'string'),
    f('Members', structs(f('MemberId', 'string'), f('GroupInstanceId', 'string', '5+', '5+'), f('Metadata', 'bytes')))),
};

const heartbeat: ApiDefinition = {
  key: 12, name: 'Heartbeat', minVersion: 0, maxVersion: 4,
  request: message('4+', f('GroupId', 'string'), f('GenerationId', 'int32'), f('MemberId', 'string'), f('GroupInstanceId', 'string', '3+', '3+')),
  response: message('4+', throttle('1+'), f('ErrorCode', 'int16')),
};

const leaveGroup: ApiDefinition = {
  key: 13, name: 'LeaveGroup', minVersion: 0, maxVersion: 4,
  request: message('4+',
    f('GroupId', 'string'), f('MemberId', 'string', '0-2'),
    f('Members', structs(f('MemberId', 'string'), f('GroupInstanceId', 'string', '3+', '3+')), '3+')),
  response: message('4+',
    throttle('1+'), f('ErrorCode', 'int16'),
    f('Members', structs(f('MemberId', 'string'), f('GroupInstanceId', 'string', '3+', '3+'), f('ErrorCode', 'int16')), '3+')),
};

const syncGroup: ApiDefinition = {
  key: 14, name: 'SyncGroup', minVersion: 0, maxVersion: 5,
  request: message('4+',
    f('GroupId', 'string'), f('GenerationId', 'int32'), f('MemberId', 'string'), f('GroupInstanceId', 'string', '3+', '3+'),
    f('ProtocolType', 'string', '5+', '5+'), f('ProtocolName', 'string', '5+', '5+'),
    f('Assignments', structs(f('MemberId', 'string'), f('Assignment', 'bytes')))),
  response: message('4+',
    throttle('1+'), f('ErrorCode', 'int16'), f('ProtocolType', 'string', '5+', '5+'), f('ProtocolName', 'string', '5+', '5+'),
    f('Assignment', 'bytes')),
};

const saslHandshake: ApiDefinition = {
  key: 17, name: 'SaslHandshake', minVersion: 0, maxVersion: 1,
  request: message(undefined, f('Mechanism', 'string')),
  response: message(undefined, f('ErrorCode', 'int16'), f('Mechanisms', array('string'))),
};

const apiVersions: ApiDefinition = {
  key: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 3,
  request: message('3+', f('ClientSoftwareName', 'string', '3+'), f('ClientSoftwareVersion', 'string', '3+')),
  response: message('3+',
    f('ErrorCode', 'int16'),
    f('ApiKeys', structs(f('ApiKey', 'int16'), f('MinVersion', 'int16'), f('MaxVersion', 'int16'))),
    throttle('1+')),
};

const saslAuthenticate: ApiDefinition = {
  key: 36, name: 'SaslAuthenticate', minVersion: 0, maxVersion: 2,
  request: message('2+', f('AuthBytes', 'bytes')),
  response: message('2+',
    f('ErrorCode', 'int16'), f('ErrorMessage', 'string', '0+', '0+'), f('AuthBytes', 'bytes'), f('SessionLifetimeMs', 'int64', '1+')),
};

export const APIS: ReadonlyMap<number, ApiDefinition> = new Map(
  [produce, fetch, listOffsets, metadata, offsetCommit, offsetFetch, findCoordinator, joinGroup, heartbeat, leaveGroup,
    syncGroup, saslHandshake, apiVersions, saslAuthenticate].map((api) => [api.key, api]),
);

export const API_KEYS = {
  produce: 0, fetch: 1, listOffsets: 2, metadata: 3, offsetCommit: 8, offsetFetch: 9, findCoordinator: 10, joinGroup: 11,
  heartbeat: 12, leaveGroup: 13, syncGroup: 14, saslHandshake: 17, apiVersions: 18, saslAuthenticate: 36,
} as const;

// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch: the classic consumer group protocol,
// answered from groups.ts and offsets.ts.
import { groupOf, partitionOf, topicOf, type Handler } from '../context.ts';
import { ErrorCode } from '../errorCodes.ts';
import type { Protocol } from '../groups.ts';

export const joinGroup: Handler = async (request, version, session, context) => {
  const groupId = request['GroupId'] as string;
  if (groupId === '') return { ErrorCode: ErrorCode.invalidGroupId, GenerationId: -1, ProtocolName: version >= 7 ? null : '', Leader: '', MemberId: '', Members: [] };
  const sessionTimeoutMs = request['SessionTimeoutMs'] as number;
  const result = await groupOf(context, groupId).join({
    memberId: request['MemberId'] as string,
    groupInstanceId: (request['GroupInstanceId'] as string | null | undefined) ?? null,
    clientId: session.clientId,
    sessionTimeoutMs,
    rebalanceTimeoutMs: (request['RebalanceTimeoutMs'] as number | undefined) ?? sessionTimeoutMs,
    protocolType: request['ProtocolType'] as string,
    protocols: (request['Protocols'] as Array<{ Name: string; Metadata: Buffer }>).map((p): Protocol => ({ name: p.Name, metadata: p.Metadata })),
  });
  return {
    ThrottleTimeMs: 0,
    ErrorCode: result.errorCode,
    GenerationId: result.generationId,
    ProtocolType: result.protocolType,
    ProtocolName: result.protocolName ?? (version >= 7 ? null : ''),
    Leader: result.leader,
    MemberId: result.memberId,
    Members: result.members.map((m) => ({ MemberId: m.memberId, GroupInstanceId: m.groupInstanceId, Metadata: m.metadata })),
  };
};

export const syncGroup: Handler = async (request, _version, _session, context) => {
  const group = context.groups.get(request['GroupId'] as string);
  if (!group) return { ThrottleTimeMs: 0, ErrorCode: ErrorCode.unknownMemberId, ProtocolType: null, ProtocolName: null, Assignment: Buffer.alloc(0) };
  const assignments = (request['Assignments'] as Array<{ MemberId: string; Assignment: Buffer }>).map((a) => ({ memberId: a.MemberId, assignment: a.Assignment }));
  const result = await group.sync(request['MemberId'] as string, request['GenerationId'] as number, assignments);
  return { ThrottleTimeMs: 0, ErrorCode: result.errorCode, ProtocolType: result.protocolType, ProtocolName: result.protocolName, Assignment: result.assignment };
};

export const heartbeat: Handler = (request, _version, _session, context) => {
  const group = context.groups.get(request['GroupId'] as string);
  const errorCode = group ? group.heartbeat(request['MemberId'] as string, request['GenerationId'] as number) : ErrorCode.unknownMemberId;
  return { ThrottleTimeMs: 0, ErrorCode: errorCode };
};

export const leaveGroup: Handler = (request, version, _session, context) => {
  const group = context.groups.get(request['GroupId'] as string);
  const leaving = version >= 3
    ? (request['Members'] as Array<{ MemberId: string; GroupInstanceId: string | null }>)
    : [{ MemberId: request['MemberId'] as string, GroupInstanceId: null }];
  const members = leaving.map((m) => ({
    MemberId: m.MemberId,
    GroupInstanceId: m.GroupInstanceId,
    ErrorCode: group?.remove(m.MemberId) ? ErrorCode.none : ErrorCode.unknownMemberId,
  }));
  const errorCode = version < 3 ? (members[0]?.ErrorCode ?? ErrorCode.none) : ErrorCode.none;
  return { ThrottleTimeMs: 0, ErrorCode: errorCode, Members: members };
};

interface OffsetCommitRequest {
  GroupId: string;
  GenerationId?: number;
  MemberId?: string;
  Topics: Array<{ Name: string; Partitions: Array<{ PartitionIndex: number; CommittedOffset: number; CommittedLeaderEpoch?: number; CommittedMetadata: string | null }> }>;
}

export const offsetCommit: Handler = async (request, _version, session, context) => {
  const { GroupId, GenerationId = -1, MemberId = '', Topics } = request as unknown as OffsetCommitRequest;
  let groupError: number = ErrorCode.none;
  if (GroupId === '') groupError = ErrorCode.invalidGroupId;
  else if (GenerationId >= 0 || MemberId !== '') {
    // A commit from a group member counts only for the current generation, and not while assignments are handed out.
    const group = context.groups.get(GroupId);
    const checked = group ? group.check(MemberId, GenerationId) : { errorCode: ErrorCode.unknownMemberId };
    if ('errorCode' in checked) groupError = checked.errorCode;
    else if (group?.state === 'CompletingRebalance') groupError = ErrorCode.rebalanceInProgress;
  }
  const topics = Topics.map((topic) => {
    const resolved = topicOf(topic.Name, session, context);
    return {
      Name: topic.Name,
      Partitions: topic.Partitions.map((p) => {
        let errorCode = groupError;
        if (errorCode === ErrorCode.none && 'errorCode' in resolved) errorCode = resolved.errorCode;
        else if (errorCode === ErrorCode.none && 'hub' in resolved && !partitionOf(resolved.hub, p.PartitionIndex)) errorCode = ErrorCode.unknownTopicOrPartition;
        if (errorCode === ErrorCode.none) {
          context.offsets.set(GroupId, topic.Name, p.PartitionIndex, { offset: p.CommittedOffset, metadata: p.CommittedMetadata, leaderEpoch: p.CommittedLeaderEpoch ?? -1 });
        }
        return { PartitionIndex: p.PartitionIndex, ErrorCode: errorCode };
      }),
    };
  });
  await context.offsets.save();
  return { ThrottleTimeMs: 0, Topics: topics };
};

export const offsetFetch: Handler = (request, _version, session, context) => {
  const groupId = request['GroupId'] as string;
  const asked = request['Topics'] as Array<{ Name: string; PartitionIndexes: number[] }> | null;
  // No list (version 2 and later): every partition the group has committed for.
  const wanted = asked ?? [...context.offsets.committedTopics(groupId)]
    .filter(([topic]) => 'hub' in topicOf(topic, session, context))
    .map(([topic, partitions]) => ({ Name: topic, PartitionIndexes: partitions }));
  return {
    ThrottleTimeMs: 0,
    ErrorCode: ErrorCode.none,
    Topics: wanted.map((topic) => {
      const resolved = topicOf(topic.Name, session, context);
      return {
        Name: topic.Name,
        Partitions: topic.PartitionIndexes.map((index) => {
          const committed = 'hub' in resolved ? context.offsets.get(groupId, topic.Name, index) : undefined;
          const errorCode = 'errorCode' in resolved ? resolved.errorCode : ErrorCode.none;
          return { PartitionIndex: index, CommittedOffset: committed?.offset ?? -1, CommittedLeaderEpoch: committed?.leaderEpoch ?? -1, Metadata: committed?.metadata ?? '', ErrorCode: errorCode };
        }),
      };
    }),
  };
};

// Kafka consumer groups, coordinated here as a Kafka broker's group coordinator does (the "classic" protocol):
// members join, the coordinator completes a rebalance once every known member has rejoined (or its rebalance timeout
// has passed), hands the leader everyone's metadata, and passes the leader's assignment to each member at SyncGroup.
// A member whose session times out without a heartbeat is removed, which starts the next rebalance. As on Event
// Hubs, Kafka consumer groups need no configuration: a group exists once used.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from './errorCodes.ts';

export interface Protocol { name: string; metadata: Buffer }

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string | null;
  protocolType: string | null;
  leader: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult { errorCode: number; assignment: Buffer; protocolType: string | null; protocolName: string | null }

interface Member {
  id: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  joining?: (result: JoinResult) => void;
  syncing?: (result: SyncResult) => void;
  expiry?: NodeJS.Timeout;
}

type State = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

const EMPTY: Buffer = Buffer.alloc(0);
export const SESSION_TIMEOUT_RANGE = { min: 1_000, max: 300_000 } as const;

export class Group {
  readonly id: string;
  state: State = 'Empty';
  generation = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leader = '';
  readonly members = new Map<string, Member>();
  private rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(id: string) {
    this.id = id;
  }

  join(request: { memberId: string; groupInstanceId: string | null; clientId: string; sessionTimeoutMs: number; rebalanceTimeoutMs: number; protocolType: string; protocols: Protocol[] }): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = request.memberId): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: null, protocolType: null, leader: '', memberId, members: [] });
    if (request.sessionTimeoutMs < SESSION_TIMEOUT_RANGE.min || request.sessionTimeoutMs > SESSION_TIMEOUT_RANGE.max) return fail(ErrorCode.invalidSessionTimeout);
    if (request.protocols.length === 0 || request.protocolType === '') return fail(ErrorCode.inconsistentGroupProtocol);
    if (this.protocolType !== null && this.members.size > 0 && request.protocolType !== this.protocolType) return fail(ErrorCode.inconsistentGroupProtocol);
    if (this.members.size > 0 && !request.protocols.some((p) => this.everyMemberSupports(p.name, request.memberId))) return fail(ErrorCode.inconsistentGroupProtocol);
    let member = request.memberId === '' ? undefined : this.members.get(request.memberId);
    if (request.memberId !== '' && !member) return fail(ErrorCode.unknownMemberId);
    if (!member) {
      member = { id: `${request.clientId || 'member'}-${randomUUID()}`, groupInstanceId: request.groupInstanceId, sessionTimeoutMs: 0, rebalanceTimeoutMs: 0, protocolType: '', protocols: [], assignment: EMPTY };
      this.members.set(member.id, member);
    }
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = Math.max(request.rebalanceTimeoutMs, request.sessionTimeoutMs);
    member.protocolType = request.protocolType;
    member.protocols = request.protocols;
    this.touch(member);
    const joined = member;
    const result = new Promise<JoinResult>((resolve) => {
      joined.joining?.(this.joinResult(joined, ErrorCode.rebalanceInProgress)); // a repeated join replaces the pending one
      joined.joining = resolve;
    });
    this.prepareRebalance();
    this.maybeCompleteJoin();
    return result;
  }

  private everyMemberSupports(protocol: string, except: string): boolean {
    for (const member of this.members.values()) {
      if (member.id !== except && !member.protocols.some((p) => p.name === protocol)) return false;
    }
    return true;
  }

  private prepareRebalance(): void {
    if (this.state === 'PreparingRebalance') return;
    // Members waiting for an assignment of the old generation must rejoin.
    for (const member of this.members.values()) {
      member.syncing?.({ errorCode: ErrorCode.rebalanceInProgress, assignment: EMPTY, protocolType: this.protocolType, protocolName: this.protocolName });
      member.syncing = undefined;
    }
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => {
      // Members that did not rejoin in time are out of the group.
      for (const member of [...this.members.values()]) if (!member.joining) this.remove(member.id, false);
      this.maybeCompleteJoin();
    }, timeout);
    this.rebalanceTimer.unref();
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    const members = [...this.members.values()];
    if (members.some((m) => !m.joining)) return;
    clearTimeout(this.rebalanceTimer);
    this.generation += 1;
    if (members.length === 0) {
      this.state = 'Empty';
      this.protocolType = null;
      this.protocolName = null;
      this.leader = '';
      return;
    }
    const first = members[0] as Member;
    if (!this.members.has(this.leader)) this.leader = first.id;
    const leader = this.members.get(this.leader) as Member;
    this.protocolType = leader.protocolType;
    this.protocolName = leader.protocols.find((p) => this.everyMemberSupports(p.name, ''))?.name ?? (leader.protocols[0]?.name ?? null);
    this.state = 'CompletingRebalance';
    for (const member of members) {
      const resolve = member.joining;
      member.joining = undefined;
      member.assignment = EMPTY;
      resolve?.(this.joinResult(member, ErrorCode.none));
    }
  }

  private joinResult(member: Member, errorCode: number): JoinResult {
    const isLeader = errorCode === ErrorCode.none && member.id === this.leader;
    return {
      errorCode,
      generationId: errorCode === ErrorCode.none ? this.generation : -1,
      protocolName: this.protocolName,
      protocolType: this.protocolType,
      leader: this.leader,
      memberId: member.id,
      members: isLeader
        ? [...this.members.values()].map((m) => ({ memberId: m.id, groupInstanceId: m.groupInstanceId, metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY }))
        : [],
    };
  }

  /** The member and generation a request names, or the error to answer it with. */
  check(memberId: string, generationId: number): { member: Member } | { errorCode: number } {
    const member = this.members.get(memberId);
    if (!member) return { errorCode: ErrorCode.unknownMemberId };
    if (generationId !== this.generation) return { errorCode: ErrorCode.illegalGeneration };
    return { member };
  }

  sync(memberId: string, generationId: number, assignments: Array<{ memberId: string; assignment: Buffer }>): Promise<SyncResult> {
    const answer = (errorCode: number, assignment = EMPTY): SyncResult => ({ errorCode, assignment, protocolType: this.protocolType, protocolName: this.protocolName });
    const checked = this.check(memberId, generationId);
    if ('errorCode' in checked) return Promise.resolve(answer(checked.errorCode));
    const { member } = checked;
    this.touch(member);
    if (this.state === 'PreparingRebalance') return Promise.resolve(answer(ErrorCode.rebalanceInProgress));
    if (this.state === 'Stable') return Promise.resolve(answer(ErrorCode.none, member.assignment));
    const result = new Promise<SyncResult>((resolve) => (member.syncing = resolve));
    if (memberId === this.leader) {
      for (const { memberId: id, assignment } of assignments) {
        const target = this.members.get(id);
        if (target) target.assignment = assignment;
      }
      this.state = 'Stable';
      for (const m of this.members.values()) {
        m.syncing?.(answer(ErrorCode.none, m.assignment));
        m.syncing = undefined;
      }
    }
    return result;
  }

  heartbeat(memberId: string, generationId: number): number {
    const checked = this.check(memberId, generationId);
    if ('errorCode' in checked) return checked.errorCode;
    this.touch(checked.member);
    // Members of the new generation wait for their assignment in SyncGroup; only a pending rebalance calls them back.
    return this.state === 'PreparingRebalance' ? ErrorCode.rebalanceInProgress : ErrorCode.none;
  }

  /** Removes a member (LeaveGroup or an expired session); the others rebalance. */
  remove(memberId: string, rebalance = true): boolean {
    const member = this.members.get(memberId);
    if (!member) return false;
    clearTimeout(member.expiry);
    this.members.delete(memberId);
    member.joining?.(this.joinResult(member, ErrorCode.unknownMemberId));
    member.syncing?.({ errorCode: ErrorCode.unknownMemberId, assignment: EMPTY, protocolType: null, protocolName: null });
    if (rebalance) {
      this.prepareRebalance();
      this.maybeCompleteJoin();
    }
    return true;
  }

  private touch(member: Member): void {
    clearTimeout(member.expiry);
    member.expiry = setTimeout(() => this.remove(member.id), member.sessionTimeoutMs);
    member.expiry.unref();
  }

  close(): void {
    clearTimeout(this.rebalanceTimer);
    for (const member of this.members.values()) clearTimeout(member.expiry);
  }
}

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../local/eventhubs/kafka/errorCodes.ts';
import { Group } from '../../../../local/eventhubs/kafka/groups.ts';
import { waitUntil } from '../../../waitUntil.ts';

const protocols = (name = 'range') => [{ name, metadata: Buffer.from(name) }];
const join = (group: Group, memberId = '', options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number; protocol?: string; type?: string } = {}) =>
  group.join({
    memberId, groupInstanceId: null, clientId: 'client', sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 10_000, protocolType: options.type ?? 'consumer', protocols: protocols(options.protocol),
  });

describe('Group', () => {
  it('completes a first join at once: generation 1, the member leads and gets everyone\'s metadata', async () => {
    const group = new Group('g');
    const joined = await join(group);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', protocolType: 'consumer' });
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, metadata: Buffer.from('range') }]);
    group.close();
  });

  it('makes existing members rejoin when another joins, and hands each member the leader\'s assignment', async () => {
    const group = new Group('g');
    const a = await join(group);
    expect((await group.sync(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('all') }])).assignment).toEqual(Buffer.from('all'));
    const pendingB = join(group);
    expect(group.heartbeat(a.memberId, 1)).toBe(ErrorCode.rebalanceInProgress);
    const [a2, b] = await Promise.all([join(group, a.memberId), pendingB]);
    expect([a2.generationId, b.generationId]).toEqual([2, 2]);
    expect(a2.leader).toBe(a.memberId);
    expect(b.members).toEqual([]);
    const followerSync = group.sync(b.memberId, 2, []);
    const leaderSync = group.sync(a.memberId, 2, [{ memberId: a.memberId, assignment: Buffer.from('0,1') }, { memberId: b.memberId, assignment: Buffer.from('2,3') }]);
    expect((await followerSync).assignment.toString()).toBe('2,3');
    expect((await leaderSync).assignment.toString()).toBe('0,1');
    expect(group.heartbeat(b.memberId, 1)).toBe(ErrorCode.illegalGeneration);
    expect(group.heartbeat('nobody', 2)).toBe(ErrorCode.unknownMemberId);
    group.close();
  });

  it('drops a member that does not rejoin within the rebalance timeout, and one whose session expires', async () => {
    const group = new Group('g');
    const a = await join(group, '', { sessionTimeoutMs: 1_000, rebalanceTimeoutMs: 1_000 });
    await group.sync(a.memberId, 1, []);
    const started = Date.now();
    const b = await join(group, '', { sessionTimeoutMs: 1_000, rebalanceTimeoutMs: 1_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
    expect(group.members.has(a.memberId)).toBe(false);
    expect(group.members.has(b.memberId)).toBe(true);
    // b sends no heartbeat: its 1 s session ends it (a wait on that event, not on a fixed sleep).
    await waitUntil(() => group.members.size === 0, 10_000, "b's session to expire");
    expect(group.state).toBe('Empty');
    group.close();
  });

  it.each([
    ['a session timeout below 1 s', { sessionTimeoutMs: 500 }, ErrorCode.invalidSessionTimeout],
    ['another protocol type', { type: 'connect' }, ErrorCode.inconsistentGroupProtocol],
    ['no assignor in common', { protocol: 'roundrobin' }, ErrorCode.inconsistentGroupProtocol],
  ])('refuses a join with %s', async (_what, options, errorCode) => {
    const group = new Group('g');
    await join(group);
    expect((await join(group, '', options)).errorCode).toBe(errorCode);
    expect((await join(group, 'made-up-id')).errorCode).toBe(ErrorCode.unknownMemberId);
    group.close();
  });
});

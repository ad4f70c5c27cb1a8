import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, inject, it } from 'vitest';
import { IdleTimeoutError, waitForIdle, type IdleSources } from '../../../local/host/idleMonitor.ts';
import type { InvocationTracker } from '../../../local/host/invocations.ts';

const queueService = QueueServiceClient.fromConnectionString(inject('azuriteConnectionString'));
const quietTracker = { generation: 0, running: 0 } as unknown as InvocationTracker;

function sources(overrides: Partial<IdleSources>): IdleSources {
  return { tracker: quietTracker, queueService, queueNames: [], eventHubPending: [], freshScan: async () => undefined, ...overrides };
}

describe('waitForIdle', () => {
  it('tries a watcher scan that failed (storage busy past the SDK retries) again instead of giving up', async () => {
    let scans = 0;
    const freshScan = async () => {
      scans++;
      if (scans <= 2) throw new Error('ServerBusy');
    };
    await waitForIdle(sources({ freshScan }), { timeoutMs: 5_000, intervalMs: 10 });
    expect(scans).toBe(3);
  });

  it('times out naming the last failed check when a probe keeps failing', async () => {
    const broken = new Error('queue service unreachable');
    const waiting = waitForIdle(sources({ eventHubPending: [() => Promise.reject(broken)] }), { timeoutMs: 300, intervalMs: 10 });
    await expect(waiting).rejects.toBeInstanceOf(IdleTimeoutError);
    await expect(waiting).rejects.toMatchObject({ cause: broken, message: expect.stringContaining('the last check failed: queue service unreachable') });
  });
});

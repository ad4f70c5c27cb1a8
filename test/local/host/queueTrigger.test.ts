import { afterEach, describe, expect, inject, it } from 'vitest';
import { QueueServiceClient } from '@azure/storage-queue';
import type { QueueFunction } from '../../../functions/app/definition.ts';
import { encodeQueueMessage } from '../../../functions/adapters/queues.ts';
import { eventually, fastHostJson, testHost, uniqueName, type TestHost } from './testHost.ts';

const queues = QueueServiceClient.fromConnectionString(inject('azuriteConnectionString'));

function queueFunction(name: string, queueName: string, handler: (message: unknown, metadata: Record<string, unknown>) => Promise<void>): QueueFunction {
  return {
    name,
    trigger: { type: 'storageQueue', queueName, connection: 'STORAGE' },
    handler: () => (message, context) => handler(message, context.triggerMetadata ?? {}),
  };
}

describe('startQueueTrigger', () => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('decodes the base64 JSON message, passes the host trigger metadata and deletes the message on success', async () => {
    const queueName = uniqueName('qt-ok');
    const seen: { message: unknown; metadata: Record<string, unknown> }[] = [];
    host = testHost({ definitions: [queueFunction('onJob', queueName, async (message, metadata) => void seen.push({ message, metadata }))] });
    await host.start();
    await queues.getQueueClient(queueName).sendMessage(encodeQueueMessage({ city: 'Peabody', n: 1 }));
    await host.waitForIdle({ timeoutMs: 10_000 });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.message).toEqual({ city: 'Peabody', n: 1 });
    expect(seen[0]?.metadata).toMatchObject({ dequeueCount: 1, id: expect.any(String), popReceipt: expect.any(String) });
    for (const key of ['insertionTime', 'expirationTime', 'nextVisibleTime']) {
      expect(Number.isNaN(Date.parse(String(seen[0]?.metadata[key])))).toBe(false);
    }
    expect((await queues.getQueueClient(queueName).getProperties()).approximateMessagesCount).toBe(0);
    expect(host.stats().queues.onJob).toMatchObject({ received: 1, completed: 1, poisoned: 0 });
  });

  it('counts a message that is already gone when it settles as processed (a retried delete whose response was lost)', async () => {
    const queueName = uniqueName('qt-gone');
    host = testHost({
      definitions: [
        // The handler deletes its own message, so the host's delete finds nothing: what a retried delete meets.
        queueFunction('deletesItself', queueName, async (_message, metadata) => {
          await queues.getQueueClient(queueName).deleteMessage(String(metadata.id), String(metadata.popReceipt));
        }),
      ],
    });
    await host.start();
    await queues.getQueueClient(queueName).sendMessage(encodeQueueMessage({ job: 'once' }));
    await host.waitForIdle({ timeoutMs: 10_000 });
    expect(host.stats().queues.deletesItself).toMatchObject({ received: 1, completed: 1, released: 0, poisoned: 0 });
    expect(host.logs.filter((l) => l.level === 'warning' || l.level === 'error')).toEqual([]);
  });

  it('redelivers a failing message with a growing dequeueCount and moves the original text to the poison queue after 5', async () => {
    const queueName = uniqueName('qt-fail');
    const attempts: number[] = [];
    host = testHost({
      definitions: [
        queueFunction('alwaysFails', queueName, async (_message, metadata) => {
          attempts.push(Number(metadata.dequeueCount));
          throw new Error('boom');
        }),
      ],
    });
    await host.start();
    const original = encodeQueueMessage({ job: 'poison me' });
    await queues.getQueueClient(queueName).sendMessage(original);
    const poisoned = await eventually(async () => {
      const peeked = await queues.getQueueClient(`${queueName}-poison`).peekMessages();
      return peeked.peekedMessageItems[0];
    }, 15_000, 'the poison message');
    expect(poisoned.messageText).toBe(original);
    await host.waitForIdle({ timeoutMs: 10_000 });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect((await queues.getQueueClient(queueName).getProperties()).approximateMessagesCount).toBe(0);
    expect(host.logs.some((l) => l.level === 'error' && l.line.startsWith('[alwaysFails:') && l.line.includes('boom'))).toBe(true);
  });

  it('hides a failed message for host.json visibilityTimeout before the next attempt', async () => {
    const queueName = uniqueName('qt-vis');
    const times: number[] = [];
    host = testHost({
      hostJson: fastHostJson({ visibilityTimeout: '00:00:01', maxDequeueCount: 2 }),
      definitions: [
        queueFunction('failsTwice', queueName, async () => {
          times.push(Date.now());
          throw new Error('no');
        }),
      ],
    });
    await host.start();
    await queues.getQueueClient(queueName).sendMessage(encodeQueueMessage({ x: 1 }));
    await eventually(async () => ((await queues.getQueueClient(`${queueName}-poison`).getProperties()).approximateMessagesCount ?? 0) > 0 || undefined, 10_000, 'poison');
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
  });

  it('keeps a running message hidden past its lease by renewing it, and runs it once', async () => {
    const queueName = uniqueName('qt-lease');
    const hiddenWhileRunning: boolean[] = [];
    let runs = 0;
    let leasedForMs = 0;
    host = testHost({
      queueLeaseSeconds: 2,
      definitions: [
        queueFunction('slow', queueName, async (_message, metadata) => {
          runs++;
          leasedForMs = Date.parse(String(metadata.nextVisibleTime)) - Date.now();
          for (const ms of [1_000, 1_500, 1_000]) {
            await new Promise((resolve) => setTimeout(resolve, ms));
            hiddenWhileRunning.push((await queues.getQueueClient(queueName).peekMessages()).peekedMessageItems.length === 0);
          }
        }),
      ],
    });
    await host.start();
    await queues.getQueueClient(queueName).sendMessage(encodeQueueMessage({ x: 1 }));
    await host.waitForIdle({ timeoutMs: 15_000 });
    expect(leasedForMs).toBeGreaterThan(0); // dequeued for the lease asked for…
    expect(leasedForMs).toBeLessThanOrEqual(2_000);
    expect(hiddenWhileRunning).toEqual([true, true, true]); // …and renewed: 1 s, 2.5 s and 3.5 s into a 2 s lease
    expect(runs).toBe(1);
  });

  it('gets back the messages of a dequeue whose answer was lost once their lease ends', async () => {
    const queueName = uniqueName('qt-lost');
    const seen: unknown[] = [];
    host = testHost({ queueLeaseSeconds: 2, definitions: [queueFunction('onJob', queueName, async (_m, metadata) => void seen.push(metadata.dequeueCount))] });
    const queue = queues.getQueueClient(queueName);
    await queue.createIfNotExists();
    await queue.sendMessage(encodeQueueMessage({ x: 1 }));
    // Dequeued as the host does, and the answer never used: the message is hidden for one lease.
    await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 2 });
    const started = Date.now();
    await host.start();
    await host.waitForIdle({ timeoutMs: 15_000 });
    expect(seen).toEqual([2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it('runs a batch concurrently, never more than batchSize + newBatchThreshold at once', async () => {
    const queueName = uniqueName('qt-batch');
    let running = 0;
    let peak = 0;
    let done = 0;
    host = testHost({
      hostJson: fastHostJson({ batchSize: 4, newBatchThreshold: 2 }),
      definitions: [
        queueFunction('slow', queueName, async () => {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 80));
          running--;
          done++;
        }),
      ],
    });
    const client = queues.getQueueClient(queueName);
    await client.createIfNotExists();
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.sendMessage(encodeQueueMessage({ i }))));
    await host.start();
    await host.waitForIdle({ timeoutMs: 15_000 });
    expect(done).toBe(20);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(6);
  });

  it('polls at once for a message sent through the host\'s own client instead of waiting out its back-off', async () => {
    const queueName = uniqueName('qt-notify');
    // The poll count when the handler ran: the poll that found the message.
    const delivered: number[] = [];
    host = testHost({
      hostJson: fastHostJson({ maxPollingInterval: '00:01:00' }),
      definitions: [queueFunction('notified', queueName, async () => void delivered.push(running.stats().queues.notified!.polls))],
    });
    const running = host;
    await host.start();
    // Seven empty polls: the back-off is now 6.4 s (±20%), so an undisturbed listener would not poll for ≥ 5.1 s.
    // ~7.6 s of back-off at most, plus seven receive calls: 60 s leaves room for a loaded machine.
    await eventually(() => ((running.stats().queues.notified?.polls ?? 0) >= 7 ? true : undefined), 60_000, 'seven empty polls');
    const before = running.stats().queues.notified!;
    await host.app.clients.queueService().getQueueClient(queueName).sendMessage(encodeQueueMessage({ n: 1 }));
    await eventually(() => delivered[0], 10_000, 'the delivery');
    // Found by the very next poll, made because the back-off was cut short by the notice (not a clock bound: a
    // loaded machine delays the delivery, not which poll makes it).
    expect(delivered[0]).toBe(before.polls + 1);
    expect(running.stats().queues.notified!.woken).toBe(before.woken + 1);
    await host.waitForIdle({ timeoutMs: 10_000 });
    expect(host.stats().queues.notified).toMatchObject({ received: 1, completed: 1 });
  }, 120_000);

  it('waitForIdle rejects with what is still pending when the app does not settle in time', async () => {
    const queueName = uniqueName('qt-slow');
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    host = testHost({ definitions: [queueFunction('stuck', queueName, () => blocked)] });
    await host.start();
    await queues.getQueueClient(queueName).sendMessage(encodeQueueMessage({ wait: true }));
    await expect(host.waitForIdle({ timeoutMs: 1_500 })).rejects.toThrow(/not idle after 1.5 s \(1 queued messages, 0 unprocessed events, 1 running\)/);
    expect(host.idle()).toBe(false);
    release();
    await host.waitForIdle({ timeoutMs: 10_000 });
  });
});

import { QueueServiceClient } from '@azure/storage-queue';
import { describe, expect, inject, it } from 'vitest';
import { watchEnqueues } from '../../../local/host/enqueueWatcher.ts';
import { uniqueName } from './testHost.ts';

const service = QueueServiceClient.fromConnectionString(inject('azuriteConnectionString'));

describe('watchEnqueues', () => {
  it('reports the queue of every message sent through it, after the service accepted the message', async () => {
    const heard: string[] = [];
    const queueName = uniqueName('ew-sent');
    const watched = watchEnqueues(service, (name) => void heard.push(name));
    const queue = watched.getQueueClient(queueName);
    await queue.createIfNotExists();
    await queue.sendMessage('one');
    await watched.getQueueClient(queueName).sendMessage('two');
    expect(heard).toEqual([queueName, queueName]);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(2);
  });

  it('reports nothing for a send the service refused, and passes the error on', async () => {
    const heard: string[] = [];
    const watched = watchEnqueues(service, (name) => void heard.push(name));
    await expect(watched.getQueueClient(uniqueName('ew-missing')).sendMessage('lost')).rejects.toMatchObject({ statusCode: 404 });
    expect(heard).toEqual([]);
  });

  it('leaves every other client method as it was', async () => {
    const watched = watchEnqueues(service, () => undefined);
    const queueName = uniqueName('ew-other');
    const queue = watched.getQueueClient(queueName);
    expect(queue.name).toBe(queueName);
    expect(watched.url).toBe(service.url);
    await queue.createIfNotExists();
    expect((await queue.receiveMessages()).receivedMessageItems).toEqual([]);
    await queue.delete();
  });
});

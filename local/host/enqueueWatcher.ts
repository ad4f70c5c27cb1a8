// The local host's SharedQueueWatcher: the WebJobs queue listener is told when a function of the same host adds a
// message to its queue, and polls at once instead of waiting out its back-off. Here every message sent through the
// app's own QueueServiceClient (the functions' sends and the Event Grid stand-in's) tells the trigger of that queue.
// What a function sees does not change: the same messages, visible at the same time, leased and counted the same.
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';

export type EnqueueListener = (queueName: string) => void;

function watchedQueue(queue: QueueClient, onEnqueued: EnqueueListener): QueueClient {
  return new Proxy(queue, {
    get(target, property) {
      if (property === 'sendMessage') {
        return async (...args: Parameters<QueueClient['sendMessage']>) => {
          const response = await target.sendMessage(...args);
          onEnqueued(target.name);
          return response;
        };
      }
      // The receiver is the client itself, so its methods keep their own `this` (private state included).
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `service` with every queue client it hands out reporting its successful sends to `onEnqueued`. */
export function watchEnqueues(service: QueueServiceClient, onEnqueued: EnqueueListener): QueueServiceClient {
  return new Proxy(service, {
    get(target, property) {
      if (property === 'getQueueClient') return (name: string) => watchedQueue(target.getQueueClient(name), onEnqueued);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

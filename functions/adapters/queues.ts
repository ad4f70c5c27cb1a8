// Storage queues behind a small interface. Messages are JSON, base64-encoded: the Functions queue trigger's
// default `messageEncoding`, and what Event Grid writes, so one encoding serves every queue in the app.
import type { QueueServiceClient } from '@azure/storage-queue';

export interface QueueSender {
  /** Sends one JSON message; `delaySeconds` hides it for that long (the 429 re-schedule path). */
  send(queueName: string, message: unknown, options?: { delaySeconds?: number }): Promise<void>;
  /** Sends many messages with bounded concurrency (the Queue service has no batch send). */
  sendMany(queueName: string, messages: readonly unknown[], options?: { concurrency?: number }): Promise<void>;
}

export function encodeQueueMessage(message: unknown): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

export function decodeQueueMessage(text: string): unknown {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : text;
  return JSON.parse(decoded) as unknown;
}

// The queue service caps visibility at 7 days.
const MAX_DELAY_SECONDS = 7 * 24 * 3600;

export function createQueueSender(service: QueueServiceClient): QueueSender {
  const send: QueueSender['send'] = async (queueName, message, options) => {
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(options?.delaySeconds ?? 0)));
    await service.getQueueClient(queueName).sendMessage(encodeQueueMessage(message), delay > 0 ? { visibilityTimeout: delay } : {});
  };
  return {
    send,
    async sendMany(queueName, messages, options) {
      const concurrency = Math.max(1, options?.concurrency ?? 16);
      let next = 0;
      const worker = async () => {
        while (next < messages.length) {
          const index = next++;
          await send(queueName, messages[index]);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
    },
  };
}

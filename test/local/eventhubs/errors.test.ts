import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { randomUUID } from 'node:crypto';
import rhea from 'rhea';
import { describe, expect, inject, it } from 'vitest';
import { FAST_RETRY, collect, type Collected } from './helpers.ts';

const connectionString = inject('eventHubsConnectionString');
const HUB = 'temperatures';

async function withProducer<T>(cs: string, hub: string, use: (p: EventHubProducerClient) => Promise<T>): Promise<T> {
  const producer = new EventHubProducerClient(cs, hub, { retryOptions: FAST_RETRY });
  try {
    return await use(producer);
  } finally {
    await producer.close();
  }
}

describe('start', () => {
  it('refuses a token signed with the wrong key with the client\'s UnauthorizedError', async () => {
    const wrongKey = connectionString.replace('SharedAccessKey=SAS_KEY_VALUE', 'SharedAccessKey=not-the-key');
    const started = Date.now();
    await expect(withProducer(wrongKey, HUB, (p) => p.getEventHubProperties())).rejects.toMatchObject({ code: 'UnauthorizedError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an unknown hub with MessagingEntityNotFoundError', async () => {
    await expect(withProducer(connectionString, 'no-such-hub', (p) => p.getEventHubProperties())).rejects.toMatchObject({
      code: 'MessagingEntityNotFoundError',
      message: expect.stringContaining('could not be found'),
    });
    await expect(withProducer(connectionString, 'no-such-hub', (p) => p.sendBatch([{ body: 1 }]))).rejects.toMatchObject({
      code: 'MessagingEntityNotFoundError',
    });
  });

  it('refuses an unknown consumer group with MessagingEntityNotFoundError', async () => {
    const consumer = new EventHubConsumerClient('no-such-group', connectionString, HUB, { retryOptions: FAST_RETRY });
    try {
      await expect(collect(consumer, { partitionId: '0', startPosition: earliestEventPosition }, () => false, 2_000)).rejects.toMatchObject({
        code: 'MessagingEntityNotFoundError',
      });
    } finally {
      await consumer.close();
    }
  });

  it('refuses a partition out of range with ArgumentOutOfRangeError', async () => {
    await expect(withProducer(connectionString, HUB, (p) => p.getPartitionProperties('9'))).rejects.toMatchObject({
      code: 'ArgumentOutOfRangeError',
    });
    await expect(withProducer(connectionString, HUB, (p) => p.sendBatch([{ body: 1 }], { partitionId: '9' }))).rejects.toMatchObject({
      code: 'ArgumentOutOfRangeError',
    });
  });

  it('routes a partition key to the partition the client\'s own hash picks', async () => {
    // Other test files publish to this hub at the same time, so the event is looked for, not counted.
    const body = `paris-${randomUUID()}`;
    const before = await withProducer(connectionString, HUB, async (producer) => {
      const properties = await producer.getPartitionProperties('3');
      await producer.sendBatch([{ body }], { partitionKey: 'paris' }); // lookup3('paris') % 4 == 3
      return properties;
    });
    const consumer = new EventHubConsumerClient('$default', connectionString, HUB, { retryOptions: FAST_RETRY });
    try {
      const startPosition = before.isEmpty ? earliestEventPosition : { sequenceNumber: before.lastEnqueuedSequenceNumber };
      const found = (events: Collected[]) => events.some((e) => e.event.body === body);
      expect(found(await collect(consumer, { partitionId: '3', startPosition }, found, 10_000))).toBe(true);
    } finally {
      await consumer.close();
    }
  });

  it('advertises a 1 MB limit and rejects a bigger transfer with amqp:link:message-size-exceeded', async () => {
    await withProducer(connectionString, HUB, async (producer) => {
      const batch = await producer.createBatch();
      expect(batch.maxSizeInBytes).toBe(1_048_576);
      expect(batch.tryAdd({ body: Buffer.alloc(1_100_000) })).toBe(false);
    });
    // The client never sends an oversize batch, so speak AMQP directly to see the server refuse one.
    const port = Number(/localhost:(\d+)/.exec(connectionString)?.[1]);
    const outcome = await rawSend(port, Buffer.alloc(1_100_000));
    expect(outcome).toMatchObject({ condition: 'amqp:link:message-size-exceeded' });
  });
});

/** Puts a token on $cbs with a raw rhea client, then sends one message and returns the rejection error, if any. */
async function rawSend(port: number, body: Buffer): Promise<unknown> {
  const { SharedKeyCredential } = await import('./sharedKey.ts');
  const container = rhea.create_container();
  const connection = container.connect({ port, host: '127.0.0.1', reconnect: false });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('raw send timed out')), 5_000);
      connection.on('connection_open', () => {
        const cbsReceiver = connection.open_receiver({ source: { address: '$cbs' }, name: 'cbs-raw' });
        const cbs = connection.open_sender({ target: { address: '$cbs' } });
        const audience = `sb://localhost:${port}/${HUB}`;
        cbs.once('sendable', () => {
          cbs.send({ message_id: '1', reply_to: 'cbs-raw', to: '$cbs', body: SharedKeyCredential.token(audience), application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' } });
        });
        cbsReceiver.once('message', () => {
          const sender = connection.open_sender({ target: { address: `${HUB}/Partitions/0` } });
          sender.once('sendable', () => sender.send({ body: rhea.message.data_section(body) }));
          sender.once('rejected', (context) => {
            clearTimeout(timer);
            resolve((context.delivery?.remote_state as { error?: unknown } | undefined)?.error);
          });
          sender.once('accepted', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
      });
    });
  } finally {
    connection.close();
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rhea from 'rhea';
import { afterAll, describe, expect, it } from 'vitest';
import { start } from '../../../local/eventhubs/index.ts';
import { SharedKeyCredential } from './sharedKey.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'eventhubs-settle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * With a raw rhea client whose consumer and producer links share one session: the emulator writes a delivery to the
 * consumer before the producer's disposition in the same pass, so "accepted" arriving after the event proves the send
 * was settled only once stored (after the fsync). A transfer accepted on arrival would be settled before either.
 */
function sendAndWatch(port: number): Promise<{ receivedWhenAccepted: number; outcome: string }> {
  const container = rhea.create_container();
  const connection = container.connect({ port, host: '127.0.0.1', reconnect: false });
  connection.on('disconnected', () => undefined); // the emulator's close in finally; nothing to report
  return new Promise<{ receivedWhenAccepted: number; outcome: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no outcome within 5 s')), 5_000);
    const finish = (outcome: string, receivedWhenAccepted: number) => {
      clearTimeout(timer);
      resolve({ outcome, receivedWhenAccepted });
    };
    connection.on('connection_open', () => {
      const cbsReceiver = connection.open_receiver({ source: { address: '$cbs' }, name: 'cbs-settle' });
      const cbs = connection.open_sender({ target: { address: '$cbs' } });
      const audience = `sb://localhost:${port}/temperatures`;
      cbs.once('sendable', () => {
        cbs.send({ message_id: '1', reply_to: 'cbs-settle', to: '$cbs', body: SharedKeyCredential.token(audience), application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' } });
      });
      cbsReceiver.once('message', () => {
        let received = 0;
        const consumer = connection.open_receiver({ source: { address: 'temperatures/ConsumerGroups/$default/Partitions/0' }, credit_window: 10 });
        consumer.on('message', () => (received += 1));
        consumer.once('receiver_open', () => {
          const producer = connection.open_sender({ target: { address: 'temperatures/Partitions/0' } });
          producer.once('sendable', () => producer.send({ body: rhea.message.data_section(Buffer.from('stored first')) }));
          producer.once('accepted', () => finish('accepted', received));
          producer.once('rejected', () => finish('rejected', received));
        });
      });
    });
  }).finally(() => connection.close());
}

describe('start', () => {
  it('settles a send as accepted only after its event is stored and delivered, never on arrival', async () => {
    const emulator = await start({ port: 0, dataDir });
    try {
      expect(await sendAndWatch(emulator.port)).toEqual({ outcome: 'accepted', receivedWhenAccepted: 1 });
    } finally {
      await emulator.close();
    }
  });
});

import { EventHubProducerClient } from '@azure/event-hubs';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { FAST_RETRY } from './helpers.ts';

const connectionString = inject('eventHubsConnectionString');
const port = Number(/localhost:(\d+)/.exec(connectionString)?.[1]);
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x01, 0x00, 0x00]);

/** Writes `chunks` to a raw socket and resolves with what the server sent back once it closes the socket. */
function exchange(chunks: Buffer[], options: { destroyAfterWrite?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket: Socket = connect({ port, host: '127.0.0.1' }, () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.destroyAfterWrite) setTimeout(() => socket.destroy(), 50);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server did not close the connection within 3 s'));
    }, 3_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received));
    });
  });
}

async function stillServes(): Promise<void> {
  const producer = new EventHubProducerClient(connectionString, 'temperatures', { retryOptions: FAST_RETRY });
  try {
    expect((await producer.getEventHubProperties()).partitionIds).toHaveLength(4);
  } finally {
    await producer.close();
  }
}

describe('start', () => {
  it('closes a connection that sends garbage after the AMQP header with an AMQP error and keeps serving others', async () => {
    const body = Buffer.from('not an amqp frame');
    const garbage = Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 8 + body.length, 0x02, 0x00, 0x00, 0x00]), body]);
    const reply = await exchange([AMQP_HEADER, garbage]);
    expect(reply.subarray(0, 8)).toEqual(AMQP_HEADER);
    expect(reply.toString('latin1')).toContain('amqp:decode-error');
    await stillServes();
  });

  it('survives a client that disconnects in the middle of a transfer', async () => {
    // Open, begin, attach, then the first frame of a transfer announced as `more` and a hang-up.
    const frames = rawFramesUpToPartialTransfer();
    await exchange([AMQP_HEADER, ...frames], { destroyAfterWrite: true });
    await stillServes();
  });

  it('survives a client that hangs up before finishing the protocol header', async () => {
    await exchange([Buffer.from('AMQ')], { destroyAfterWrite: true });
    await stillServes();
  });
});

interface RheaFrames {
  write_frame(frame: unknown): Buffer;
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  open(fields: object): { described(): unknown };
  begin(fields: object): { described(): unknown };
  attach(fields: object): { described(): unknown };
  transfer(fields: object): { described(): unknown };
}

/** Encodes AMQP performatives with rhea's own (untyped, internal) frame writer rather than hand-assembled bytes. */
function rawFramesUpToPartialTransfer(): Buffer[] {
  const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as RheaFrames;
  const frame = (performative: { described(): unknown }, payload?: Buffer) =>
    frames.write_frame(frames.amqp_frame(0, performative.described(), payload));
  return [
    frame(frames.open({ container_id: 'half-sender' })),
    frame(frames.begin({ next_outgoing_id: 0, incoming_window: 100, outgoing_window: 100 })),
    frame(frames.attach({ name: 'half', handle: 0, role: false, target: { address: 'temperatures' }, initial_delivery_count: 0 })),
    frame(frames.transfer({ handle: 0, delivery_id: 0, delivery_tag: Buffer.from('0'), message_format: 0, more: true }), Buffer.alloc(1000, 7)),
  ];
}

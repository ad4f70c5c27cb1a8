// What one connection can make the emulator hold, above all before it authenticates (issue 18, defect 3): frame
// sizes are checked before anything is buffered, sessions and links are capped, a connection without a token is
// closed after a deadline, deliveries in progress are bounded. Each case is played with raw frames, as an attacker
// would, and ends with the real client still being served.
import { EventHubProducerClient } from '@azure/event-hubs';
import rhea from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_FRAME_LIMIT } from '../../../local/eventhubs/connectionGuard.ts';
import { DEFAULT_CONNECTION_LIMITS, start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { waitUntil } from '../../waitUntil.ts';
import { FAST_RETRY } from './helpers.ts';
import { AMQP_HEADER, amqpFrame, attach, begin, closeCondition, decode, frames, open, rawPeer, SASL_HEADER } from './rawAmqp.ts';
import { rheaPeer } from './rheaPeer.ts';
import { SharedKeyCredential } from './sharedKey.ts';

const AUTH_DEADLINE_MS = 1_500;

/**
 * Sends `prefix`, gives the server a moment to refuse it, then streams 64 KiB chunks until it closes the socket or
 * `cap` bytes are out: a server that buffers the announced frame keeps reading them all.
 */
async function floodUntilClosed(port: number, prefix: Buffer[], cap: number): Promise<{ written: number; received: Buffer; closed: boolean }> {
  const peer = await rawPeer(port);
  let closed = false;
  void peer.closed.then(() => (closed = true));
  peer.write(...prefix);
  await Promise.race([peer.closed, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  while (!closed && peer.written() < cap) {
    peer.write(chunk);
    if (peer.socket.writableNeedDrain) await new Promise((resolve) => peer.socket.once('drain', resolve).once('close', resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const received = closed ? await peer.closed : peer.received();
  peer.socket.destroy();
  return { written: peer.written(), received, closed };
}

describe('start: bounds per connection', () => {
  let emulator: RunningEmulator;
  let port: number;
  const stillServes = async () => {
    const producer = new EventHubProducerClient(emulator.connectionString, 'temperatures', { retryOptions: FAST_RETRY });
    try {
      expect((await producer.getEventHubProperties()).partitionIds).toHaveLength(4);
    } finally {
      await producer.close();
    }
  };

  beforeAll(async () => {
    emulator = await start({ port: 0 });
    port = emulator.port;
  });
  afterAll(() => emulator?.close());

  it('closes a connection whose first frame announces more than 512 bytes with amqp:connection:framing-error, buffering none of it', async () => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(0xfffffff0, 0);
    header.writeUInt8(2, 4);
    const result = await floodUntilClosed(port, [AMQP_HEADER, header], 64 * 1024 * 1024);
    expect(result.closed).toBe(true);
    expect(result.written).toBeLessThan(8 * 1024 * 1024);
    expect(closeCondition(result.received)).toBe('amqp:connection:framing-error');
    await stillServes();
  });

  it('holds SASL frames to 512 bytes and later frames to the max-frame-size it announced', async () => {
    const bigInit = frames.write_frame(frames.sasl_frame(frames.sasl_init({ mechanism: 'ANONYMOUS', initial_response: Buffer.alloc(600) }).described()));
    const sasl = await rawPeer(port);
    sasl.write(SASL_HEADER, bigInit);
    await sasl.closed;

    const announced = decode((await (async () => {
      const peer = await rawPeer(port);
      peer.write(AMQP_HEADER, open());
      await waitUntil(() => decode(peer.received()).some((f) => f.name === 'open'), 5_000, 'the open');
      const bytes = peer.received();
      const tooBig = Buffer.alloc(8);
      tooBig.writeUInt32BE(DEFAULT_CONNECTION_LIMITS.maxFrameSize + 1, 0);
      tooBig.writeUInt8(2, 4);
      peer.write(tooBig, Buffer.alloc(1024));
      const all = await peer.closed;
      expect(closeCondition(all)).toBe('amqp:connection:framing-error');
      return bytes;
    })())).find((f) => f.name === 'open');
    expect(announced?.fields).toMatchObject({ max_frame_size: DEFAULT_CONNECTION_LIMITS.maxFrameSize, channel_max: 999, idle_time_out: 240_000 });
    await stillServes();
  });

  it('closes a connection that begins more sessions than its channel-max allows with amqp:resource-limit-exceeded', async () => {
    const peer = await rawPeer(port);
    peer.write(AMQP_HEADER, open(), ...Array.from({ length: DEFAULT_CONNECTION_LIMITS.channelMax + 2 }, (_, channel) => begin(channel)));
    const received = await peer.closed;
    expect(closeCondition(received)).toBe('amqp:resource-limit-exceeded');
    expect(decode(received).filter((f) => f.name === 'begin').length).toBeLessThanOrEqual(DEFAULT_CONNECTION_LIMITS.channelMax + 1);
    await stillServes();
  });

  it('closes a connection that begins a session on a channel in use with amqp:illegal-state (rhea kept both sessions, so any number)', async () => {
    const peer = await rawPeer(port);
    peer.write(AMQP_HEADER, open(), begin(0), begin(0), begin(0));
    expect(closeCondition(await peer.closed)).toBe('amqp:illegal-state');
    await stillServes();
  });

  it('closes a connection that attaches more than 16 links before it has put a token, with amqp:resource-limit-exceeded', async () => {
    const peer = await rawPeer(port);
    peer.write(AMQP_HEADER, open(), begin(0), ...Array.from({ length: DEFAULT_CONNECTION_LIMITS.linksBeforeAuth + 1 }, (_, handle) => attach(0, handle)));
    const received = await peer.closed;
    expect(closeCondition(received)).toBe('amqp:resource-limit-exceeded');
    expect(JSON.stringify(decode(received).at(-1)?.fields)).toContain('before a token has been put on $cbs');
    await stillServes();
  });

  it('closes an authenticated connection that attaches more links than allowed, in one session or across several, with amqp:resource-limit-exceeded', async () => {
    const flood = async (sessions: number, perSession: number) => {
      const peer = await rheaPeer(port);
      const error = new Promise<string | undefined>((resolve) => {
        peer.connection.on('connection_error', (context) => resolve((context.connection.error as { condition?: string } | undefined)?.condition));
        peer.connection.on('disconnected', () => resolve('disconnected without a close'));
      });
      const audience = `sb://localhost:${port}/temperatures`;
      expect((await peer.putToken(SharedKeyCredential.token(audience), audience)).status).toBe(202);
      for (let s = 0; s < sessions; s++) {
        const session = peer.connection.create_session();
        session.begin();
        for (let n = 0; n < perSession; n++) session.open_sender({ target: { address: '$cbs' }, name: `flood-${s}-${n}` });
      }
      return error;
    };
    expect(await flood(1, DEFAULT_CONNECTION_LIMITS.handleMax + 2)).toBe('amqp:resource-limit-exceeded');
    expect(await flood(4, Math.ceil((DEFAULT_CONNECTION_LIMITS.maxLinks + 1) / 4))).toBe('amqp:resource-limit-exceeded');
    await stillServes();
  });

  it('closes a connection that sends a frame other than a transfer above 64 KiB (a huge link name) with amqp:connection:framing-error', async () => {
    const peer = await rawPeer(port);
    const name = 'n'.repeat(CONTROL_FRAME_LIMIT);
    peer.write(AMQP_HEADER, open(), begin(0), amqpFrame(0, frames.attach({ name, handle: 0, role: false, target: { address: '$cbs' }, initial_delivery_count: 0 })));
    expect(closeCondition(await peer.closed)).toBe('amqp:connection:framing-error');
    await stillServes();
  });

  it('closes a connection that has put no token within the deadline with amqp:connection:forced, and not one that has', async () => {
    // Its own emulator: with a deadline this short, the other cases could run into it on a loaded machine.
    const strict = await start({ port: 0, limits: { authDeadlineMs: AUTH_DEADLINE_MS } });
    try {
      await deadlineCase(strict);
    } finally {
      await strict.close();
    }
  });

  async function deadlineCase(strict: RunningEmulator): Promise<void> {
    const port = strict.port;
    const idle = await rawPeer(port);
    const started = Date.now();
    idle.write(AMQP_HEADER, open(), begin(0), attach(0, 0));
    const received = await idle.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(AUTH_DEADLINE_MS - 100);
    expect(closeCondition(received)).toBe('amqp:connection:forced');
    expect(JSON.stringify(decode(received).at(-1)?.fields)).toContain(`within the allowed ${AUTH_DEADLINE_MS} milliseconds`);

    const silent = await rawPeer(port); // not even a protocol header
    await silent.closed;

    const producer = new EventHubProducerClient(strict.connectionString, 'temperatures', { retryOptions: FAST_RETRY });
    try {
      await producer.getEventHubProperties();
      await new Promise((resolve) => setTimeout(resolve, AUTH_DEADLINE_MS + 500));
      await producer.sendBatch([{ body: 'after the deadline' }], { partitionId: '0' }); // same connection, still open
    } finally {
      await producer.close();
    }
  }

  it('closes the connection of a producer whose delivery runs past twice the message size limit while it is still arriving', async () => {
    const container = rhea.create_container();
    const connection = container.connect({ port, host: '127.0.0.1', reconnect: false });
    const closedWith = new Promise<string | undefined>((resolve) => {
      connection.on('connection_error', (context) => resolve((context.connection.error as { condition?: string } | undefined)?.condition));
      connection.on('disconnected', () => resolve(undefined));
    });
    connection.on('connection_open', () => {
      const replies = connection.open_receiver({ source: { address: '$cbs' }, name: 'cbs-raw' });
      const cbs = connection.open_sender({ target: { address: '$cbs' } });
      const audience = `sb://localhost:${port}/temperatures`;
      cbs.once('sendable', () => cbs.send({ message_id: '1', reply_to: 'cbs-raw', body: SharedKeyCredential.token(audience), application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' } }));
      replies.once('message', () => {
        const sender = connection.open_sender({ target: { address: 'temperatures/Partitions/0' } });
        sender.once('sendable', () => sender.send({ body: rhea.message.data_section(Buffer.alloc(3 * 1_048_576)) }));
      });
    });
    expect(await closedWith).toBe('amqp:resource-limit-exceeded');
    connection.close();
    await stillServes();
  });

  it('ignores a disposition, flow or detach for a session that has already ended instead of closing the connection', async () => {
    const peer = await rawPeer(port);
    peer.write(AMQP_HEADER, open(), begin(0), amqpFrame(0, frames.end({})));
    await waitUntil(() => decode(peer.received()).some((f) => f.name === 'end'), 5_000, 'the end reply');
    // What rhea (the JavaScript client) sends when it settles a delivery after its end has gone out.
    peer.write(amqpFrame(0, frames.disposition({ role: true, first: 0, settled: true })), begin(1));
    await waitUntil(() => decode(peer.received()).filter((f) => f.name === 'begin').length === 2, 5_000, 'the second begin');
    expect(closeCondition(peer.received())).toBeUndefined();
    peer.socket.destroy();
  });
});

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame } from '../../../local/eventhubs/frameWriter.ts';

interface RheaFrames {
  write_frame(frame: unknown): Buffer;
  amqp_frame(channel: number, performative: unknown, payload?: Buffer): unknown;
  transfer(fields: object): { described(): unknown };
  disposition(fields: object): { described(): unknown };
  flow(fields: object): { described(): unknown };
  close(fields: object): { described(): unknown };
}
const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as RheaFrames;

const cases: Array<[string, Frame]> = [
  ['a transfer carrying a 1 KB event', { channel: 3, performative: frames.transfer({ handle: 1, delivery_id: 70_000, delivery_tag: Buffer.from('42'), message_format: 0, settled: false, more: false }).described(), payload: Buffer.alloc(1100, 7) }],
  ['a transfer larger than the room reserved for it', { channel: 0, performative: frames.transfer({ handle: 0, delivery_id: 1, delivery_tag: Buffer.alloc(200, 1), message_format: 0x80013700 }).described(), payload: Buffer.alloc(10, 1) }],
  ['a disposition range', { channel: 1, performative: frames.disposition({ role: true, first: 5, last: 900, settled: true, state: undefined }).described() }],
  ['a flow', { channel: 2, performative: frames.flow({ next_incoming_id: 10, incoming_window: 2048, next_outgoing_id: 3, outgoing_window: 4294967295, handle: 0, delivery_count: 9, link_credit: 2000 }).described() }],
  ['a close with an error', { channel: 0, performative: frames.close({ error: { condition: 'amqp:decode-error', description: 'bad input' } }).described() }],
  ['an empty (heartbeat) frame', { channel: 0 }],
];

describe('encodeFrame', () => {
  it.each(cases)('encodes %s exactly as rhea does', (_name, frame) => {
    const expected = frames.write_frame(frames.amqp_frame(frame.channel, frame.performative, frame.payload));
    expect(encodeFrame(frame).equals(expected)).toBe(true);
  });
});

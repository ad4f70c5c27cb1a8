import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rhea from 'rhea';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionFile } from '../../../local/eventhubs/diskLog.ts';
import { KeyCollector, chunksOf, eventsOf } from '../../../local/eventhubs/eventChunks.ts';
import { buildDeliveries, parseEvent } from '../../../local/eventhubs/messageCodec.ts';
import { PartitionLog, type StoredEvent } from '../../../local/eventhubs/partitionLog.ts';

const T0 = Date.UTC(2026, 0, 1);

/** Restored-looking events: `times` gives each one's enqueued time (ms after T0), bytes placed back to back. */
function stored(times: number[], size = 20, firstOffset = 0): StoredEvent[] {
  return times.map((t, i) => ({
    sequenceNumber: 5 + i,
    offset: firstOffset + size * i,
    enqueuedTimeMs: T0 + t,
    partitionKey: i === 2 ? undefined : `key-${i % 2}`,
    wire: Buffer.alloc(size, i),
    headerLength: i,
  }));
}

function all(log: PartitionLog): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let seq = log.firstSequenceNumber; seq < log.endSequenceNumber; seq++) events.push(log.at(seq) as StoredEvent);
  return events;
}

const raw = (n: number) => rhea.message.encode({ body: rhea.message.data_section(Buffer.alloc(30 + n, n)) }) as unknown as Buffer;

afterEach(() => vi.restoreAllMocks());

describe('chunksOf', () => {
  it('groups restored events enqueued at one instant and placed one after the other, and gives them back unchanged', () => {
    const events = stored([0, 0, 0, 7, 7, 9]);
    const chunks = chunksOf(events);
    expect(chunks.map((c) => [c.firstSequenceNumber, c.count, c.enqueuedTimeMs - T0])).toEqual([[5, 3, 0], [8, 2, 7], [10, 1, 9]]);
    expect(chunks.flatMap(eventsOf)).toEqual(events);
  });

  it('starts a new chunk where the numbers or the offsets do not follow on', () => {
    const events = stored([0, 0, 0, 0]);
    for (const event of events.slice(1)) event.offset += 1; // a gap between the first two
    (events[3] as StoredEvent).sequenceNumber += 1; // and between the last two
    const chunks = chunksOf(events);
    expect(chunks.map((c) => c.count)).toEqual([1, 2, 1]);
    expect(chunks.flatMap(eventsOf)).toEqual(events);
  });

  it('does not merge more than a few MiB into one slab', () => {
    const events = stored([0, 0, 0, 0, 0, 0], 2 ** 20);
    const chunks = chunksOf(events);
    expect(chunks.map((c) => c.count)).toEqual([4, 2]);
    const summary = (e: StoredEvent) => [e.sequenceNumber, e.offset, e.wire.length, e.wire[0], e.wire.at(-1)];
    expect(chunks.flatMap(eventsOf).map(summary)).toEqual(events.map(summary));
  });

  it('copies the bytes, so the buffer they were read from can go', () => {
    const events = stored([0, 0, 5]); // a chunk of two and a chunk of one
    const chunks = chunksOf(events);
    for (const event of events) event.wire.fill(0xff);
    expect(chunks.flatMap(eventsOf).map((e) => e.wire)).toEqual([Buffer.alloc(20, 0), Buffer.alloc(20, 1), Buffer.alloc(20, 2)]);
  });
});

describe('allocateSlab', () => {
  it('gives even a small chunk a buffer of its own, not a slice of Node\'s shared pool that it would keep alive', () => {
    const built = buildDeliveries([parseEvent(raw(1))], 'k', { sequenceNumber: 0, offset: 0, enqueuedTimeMs: T0 });
    const [restored] = chunksOf(stored([0]));
    for (const slab of [built.slab, restored!.slab]) {
      expect(slab.length).toBeLessThan(1024);
      expect([slab.byteOffset, slab.buffer.byteLength]).toEqual([0, slab.length]);
    }
  });
});

describe('KeyCollector', () => {
  it('keeps one shared key until two differ, then one per event', () => {
    const collect = (keys: Array<string | undefined>) => {
      const collector = new KeyCollector();
      for (const key of keys) collector.add(key);
      return collector.result();
    };
    expect(collect([])).toBeUndefined();
    expect(collect(['a', 'a', 'a'])).toBe('a');
    expect(collect([undefined, undefined])).toBeUndefined();
    expect(collect(['a', 'a', 'b', 'a'])).toEqual(['a', 'a', 'b', 'a']);
    expect(collect([undefined, 'a'])).toEqual([undefined, 'a']);
  });
});

describe('PartitionLog with a file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('restores what it appended, as it was, and appends after it with numbers, offsets and times following on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventchunks-'));
    dirs.push(dir);
    const now = vi.spyOn(Date, 'now').mockReturnValue(T0);
    const opened = PartitionFile.open(dir, 'hub', '0');
    const first = new PartitionLog('hub', '0', { file: opened.file, restored: opened.events });
    await first.append([raw(0), raw(1), raw(2)], 'city-1');
    now.mockReturnValue(T0 + 10);
    await first.append([raw(3), raw(4)], 'city-2');
    const written = all(first);
    await first.close();

    now.mockReturnValue(T0 + 20);
    const reopened = PartitionFile.open(dir, 'hub', '0');
    expect(reopened.events).toEqual(written);
    const second = new PartitionLog('hub', '0', { file: reopened.file, restored: reopened.events });
    for (const event of reopened.events) event.wire.fill(0); // the log keeps its own copy
    expect(all(second)).toEqual(written);
    expect(second.firstEnqueuedAfter(T0 + 1, true)).toBe(3);
    expect(second.firstWithOffset((written[4] as StoredEvent).offset, false)).toBe(5);
    await second.append([raw(5), raw(6)], 'city-3');
    const [a, b] = [second.at(5) as StoredEvent, second.at(6) as StoredEvent];
    const last = written[4] as StoredEvent;
    expect([a.sequenceNumber, a.offset, a.enqueuedTimeMs, a.partitionKey]).toEqual([5, last.offset + last.wire.length, T0 + 20, 'city-3']);
    expect(b.offset).toBe(a.offset + a.wire.length);
    expect(second.firstEnqueuedAfter(T0 + 10, false)).toBe(5);
    expect(second.properties()).toMatchObject({ beginSequenceNumber: 0, lastSequenceNumber: 6, lastOffset: b.offset, isEmpty: false });
    await second.close();
    expect(PartitionFile.open(dir, 'hub', '0').events).toEqual([...written, a, b]);
  });
});

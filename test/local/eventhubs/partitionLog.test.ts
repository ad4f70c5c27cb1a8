import rhea from 'rhea';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionLog, type StoredEvent } from '../../../local/eventhubs/partitionLog.ts';

const T0 = Date.UTC(2026, 0, 1);

/** An encoded event of `bytes` body bytes, with its own partition key when `key` is given. */
function raw(n: number, bytes = 50 + n, key?: string): Buffer {
  return rhea.message.encode({
    durable: n % 2 === 0,
    ...(n % 3 === 0 ? { priority: 7, ttl: 60_000 } : {}), // headers of different lengths
    ...(key === undefined ? {} : { message_annotations: { 'x-opt-partition-key': key } }),
    body: rhea.message.data_section(Buffer.alloc(bytes, n % 256)),
  }) as unknown as Buffer;
}

/** Appends transfers of the given sizes, the n-th enqueued at T0 + 10·n ms. */
function logWith(sizes: number[], retentionMs?: number): PartitionLog {
  const now = vi.spyOn(Date, 'now').mockReturnValue(T0);
  const log = new PartitionLog('hub', '0', { retentionMs });
  let n = 0;
  for (const [t, size] of sizes.entries()) {
    now.mockReturnValue(T0 + 10 * t);
    log.append(Array.from({ length: size }, () => raw(n++)), `key-${t}`);
  }
  return log;
}

function all(log: PartitionLog): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let seq = log.firstSequenceNumber; seq < log.endSequenceNumber; seq++) events.push(log.at(seq) as StoredEvent);
  return events;
}

/** What the consumer reads in the delivered bytes: the broker annotations and the body. */
function delivered(event: StoredEvent) {
  const message = rhea.message.decode(event.wire);
  const annotations = message.message_annotations as Record<string, unknown>;
  const body = (message.body as { content: Buffer }).content;
  return { seq: annotations['x-opt-sequence-number'], offset: annotations['x-opt-offset'], time: annotations['x-opt-enqueued-time'], body };
}

afterEach(() => vi.restoreAllMocks());

describe('PartitionLog', () => {
  it('finds every event across transfers, in any order, with the offsets and numbers written into its bytes', () => {
    const log = logWith([3, 1, 5, 2]);
    const events = all(log);
    expect(events.map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, event] of events.entries()) {
      const seen = delivered(event);
      expect(seen.seq).toBe(i);
      expect(seen.offset).toBe(String(event.offset));
      expect(seen.body).toEqual(Buffer.alloc(50 + i, i));
      expect(event.offset).toBe(i === 0 ? 0 : (events[i - 1] as StoredEvent).offset + (events[i - 1] as StoredEvent).wire.length);
      expect(event.headerLength).toBe(event.wire.indexOf(Buffer.from([0x00, 0x53, 0x72]))); // the annotations follow the header
    }
    expect(events.map((e) => e.enqueuedTimeMs)).toEqual([0, 0, 0, 10, 20, 20, 20, 20, 20, 30, 30].map((d) => T0 + d));
    // Backwards and jumping about, so no lookup depends on the one before.
    for (const seq of [10, 0, 7, 3, 4, 2, 9, 1, 8, 5, 6]) expect(log.at(seq)).toEqual(events[seq]);
    expect(log.at(11)).toBeUndefined();
    expect(log.at(-1)).toBeUndefined();
  });

  it('keeps each event\'s partition key, one per transfer or the event\'s own', () => {
    const log = new PartitionLog('hub', '0', {});
    log.append([raw(0), raw(1)], 'city-1');
    log.append([raw(2), raw(3, 10, 'own-3'), raw(4), raw(5, 10, 'own-5')], 'city-2');
    log.append([raw(6, 10, 'own-6'), raw(7)], undefined);
    expect(all(log).map((e) => e.partitionKey)).toEqual(['city-1', 'city-1', 'city-2', 'own-3', 'city-2', 'own-5', 'own-6', undefined]);
    // Events with and without an added key differ in size: each offset is still the one written into its bytes.
    for (const event of all(log)) expect(delivered(event).offset).toBe(String(event.offset));
  });

  it('finds the first event at or after an offset across transfers, as a search over every event would', () => {
    const log = logWith([3, 1, 5, 2]);
    const events = all(log);
    const end = events[10] as StoredEvent;
    const probes = [-5, 0, 1, ...events.flatMap((e) => [e.offset - 1, e.offset, e.offset + 1]), end.offset + end.wire.length, 1e12];
    for (const offset of probes) {
      for (const inclusive of [true, false]) {
        const expected = events.find((e) => (inclusive ? e.offset >= offset : e.offset > offset))?.sequenceNumber ?? 11;
        expect(log.firstWithOffset(offset, inclusive), `${offset} ${inclusive}`).toBe(expected);
      }
    }
  });

  it('finds the first event enqueued at or after a time, a transfer\'s events sharing theirs', () => {
    const log = logWith([3, 1, 5, 2]);
    const expected: Array<[number, boolean, number]> = [
      [T0 - 1, false, 0], [T0, true, 0], [T0, false, 3], [T0 + 5, true, 3], [T0 + 10, false, 4],
      [T0 + 20, true, 4], [T0 + 20, false, 9], [T0 + 30, true, 9], [T0 + 30, false, 11], [T0 + 99, true, 11],
    ];
    for (const [time, inclusive, seq] of expected) expect(log.firstEnqueuedAfter(time, inclusive), `${time - T0} ${inclusive}`).toBe(seq);
  });

  it('drops whole transfers past retention and still finds what is kept, by number, offset and time', () => {
    const log = logWith([3, 1, 5, 2], 100);
    const before = all(log);
    log.trim(T0 + 110); // cutoff T0 + 10: only the first transfer is older
    expect(log.firstSequenceNumber).toBe(3);
    expect(log.at(2)).toBeUndefined();
    expect(all(log)).toEqual(before.slice(3));
    expect(log.firstWithOffset(0, true)).toBe(3);
    expect(log.firstEnqueuedAfter(T0, true)).toBe(3);
    expect(log.properties()).toMatchObject({ beginSequenceNumber: 3, lastSequenceNumber: 10, isEmpty: false });
    log.trim(T0 + 125); // cutoff T0 + 25: the transfer at T0 + 30 stays
    expect(log.firstSequenceNumber).toBe(9);
    expect(all(log)).toEqual(before.slice(9));
  });

  it('keeps finding events after many expired transfers have been compacted away', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(T0);
    const log = new PartitionLog('hub', '0', { retentionMs: 1_000 });
    for (let n = 0; n < 1100; n++) log.append([raw(n, 4)], undefined);
    now.mockReturnValue(T0 + 500);
    for (let n = 1100; n < 1200; n++) log.append([raw(n, 4), raw(n + 1, 4)], undefined);
    const kept = Array.from({ length: 200 }, (_, i) => log.at(1100 + i));
    log.trim(T0 + 1_100);
    expect(log.firstSequenceNumber).toBe(1100);
    expect(log.at(1099)).toBeUndefined();
    expect(Array.from({ length: 200 }, (_, i) => log.at(1100 + i))).toEqual(kept);
    expect(log.firstWithOffset((kept[51] as StoredEvent).offset, true)).toBe(1151);
    now.mockReturnValue(T0 + 600);
    log.append([raw(7)], undefined);
    expect(log.at(1300)?.offset).toBe((kept[199] as StoredEvent).offset + (kept[199] as StoredEvent).wire.length);
  });

  it('keeps of the restored events only those within retention, and appends after the last one', () => {
    const restored: StoredEvent[] = [0, 0, 20, 50].map((t, i) => ({
      sequenceNumber: 40 + i, offset: 900 + 30 * i, enqueuedTimeMs: T0 + t, partitionKey: 'k', wire: Buffer.alloc(30, i), headerLength: 0,
    }));
    vi.spyOn(Date, 'now').mockReturnValue(T0 + 120);
    const log = new PartitionLog('hub', '0', { retentionMs: 100, restored }); // cutoff T0 + 20
    expect(all(log)).toEqual(restored.slice(2));
    expect(log.at(41)).toBeUndefined();
    expect(log.properties()).toEqual({ beginSequenceNumber: 42, lastSequenceNumber: 43, lastOffset: 990, lastEnqueuedTimeMs: T0 + 50, isEmpty: false });
    log.append([raw(1)], undefined);
    expect(log.at(44)).toMatchObject({ offset: 1020, enqueuedTimeMs: T0 + 120 });
  });

  it('reports an empty log, and a log whose events have all expired, with the service\'s empty values', () => {
    const empty = new PartitionLog('hub', '0', {});
    expect(empty.properties()).toEqual({ beginSequenceNumber: 0, lastSequenceNumber: -1, lastOffset: -1, lastEnqueuedTimeMs: 0, isEmpty: true });
    expect([empty.firstSequenceNumber, empty.endSequenceNumber, empty.firstWithOffset(0, true), empty.firstEnqueuedAfter(0, true)]).toEqual([0, 0, 0, 0]);
    expect(empty.at(0)).toBeUndefined();

    const log = logWith([3, 2], 100);
    const last = log.at(4) as StoredEvent;
    log.trim(T0 + 1_000);
    expect(log.properties()).toEqual({ beginSequenceNumber: 5, lastSequenceNumber: 4, lastOffset: last.offset, lastEnqueuedTimeMs: T0 + 10, isEmpty: true });
    expect([log.firstSequenceNumber, log.endSequenceNumber, log.firstWithOffset(0, true), log.firstEnqueuedAfter(0, true)]).toEqual([5, 5, 5, 5]);
    expect(log.at(4)).toBeUndefined();
  });
});

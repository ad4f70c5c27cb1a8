// The compact in-memory form of a partition's events: one chunk per appended transfer (or per run of restored records)
// holding the delivered bytes and per-event positions in one buffer, instead of one object per event.
// At the scale run's 365,000 events one object per event cost ~200 B of heap each; a chunk costs a few bytes per event.
// A StoredEvent is built on demand, for as long as a reader needs it.
import type { StoredEvent } from './diskLog.ts';

export interface EventChunk {
  /**
   * The delivered bytes of every event back to back, then the chunk's layout: each event's end in the slab, then
   * each event's header length (u32 LE). Keeping the layout in the same buffer spares a small transfer the typed
   * arrays' objects, which would cost more than the event objects they replace.
   */
  slab: Buffer;
  count: number;
  firstSequenceNumber: number;
  /** The offset of the first event; an event's offset is this plus its start (offsets are byte positions). */
  firstOffset: number;
  /** One time per chunk: a transfer is enqueued at one instant, and restored records are grouped by it. */
  enqueuedTimeMs: number;
  /** One key for every event (the usual case: a batch sent with a partition key), else one per event. */
  partitionKey: string | undefined | Array<string | undefined>;
}

const LAYOUT_BYTES_PER_EVENT = 8;

/**
 * A buffer for `count` events of `bytes` bytes in all and their layout. Never a slice of Node's shared 8 KiB pool: a
 * small slab kept for the retention period would pin its whole pool page, garbage included (measured: ~1.8 KB per
 * one-event transfer).
 */
export function allocateSlab(bytes: number, count: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes + LAYOUT_BYTES_PER_EVENT * count);
}

/** Records where event `index` of `count` ends and how long its header is. */
export function setLayout(slab: Buffer, count: number, index: number, end: number, headerLength: number): void {
  const layout = slab.length - LAYOUT_BYTES_PER_EVENT * count;
  slab.writeUInt32LE(end, layout + 4 * index);
  slab.writeUInt32LE(headerLength, layout + 4 * (count + index));
}

/** The bytes of the chunk's events, without the layout. */
export function byteLength(chunk: EventChunk): number {
  return chunk.slab.length - LAYOUT_BYTES_PER_EVENT * chunk.count;
}

/** Where event `index` starts in the slab. */
export function startOf(chunk: EventChunk, index: number): number {
  return index === 0 ? 0 : chunk.slab.readUInt32LE(byteLength(chunk) + 4 * (index - 1));
}

export function lastSequenceNumberOf(chunk: EventChunk): number {
  return chunk.firstSequenceNumber + chunk.count - 1;
}

export function lastOffsetOf(chunk: EventChunk): number {
  return chunk.firstOffset + startOf(chunk, chunk.count - 1);
}

/** Event `index` of the chunk (0 ≤ index < count). */
export function eventAt(chunk: EventChunk, index: number): StoredEvent {
  const layout = byteLength(chunk);
  const start = startOf(chunk, index);
  const key = chunk.partitionKey;
  return {
    sequenceNumber: chunk.firstSequenceNumber + index,
    offset: chunk.firstOffset + start,
    enqueuedTimeMs: chunk.enqueuedTimeMs,
    partitionKey: Array.isArray(key) ? key[index] : key,
    wire: chunk.slab.subarray(start, chunk.slab.readUInt32LE(layout + 4 * index)),
    headerLength: chunk.slab.readUInt32LE(layout + 4 * (chunk.count + index)),
  };
}

export function eventsOf(chunk: EventChunk): StoredEvent[] {
  return Array.from({ length: chunk.count }, (_, i) => eventAt(chunk, i));
}

/** Collects per-event keys, keeping one shared string until two events differ. */
export class KeyCollector {
  private shared: string | undefined;
  private keys: Array<string | undefined> | undefined;
  private count = 0;

  add(key: string | undefined): void {
    if (this.keys) this.keys.push(key);
    else if (this.count === 0) this.shared = key;
    else if (key !== this.shared) {
      this.keys = new Array<string | undefined>(this.count).fill(this.shared);
      this.keys.push(key);
    }
    this.count += 1;
  }

  result(): EventChunk['partitionKey'] {
    return this.keys ?? this.shared;
  }
}

/** Restored records bigger than this are not merged into one slab (a transfer is at most about 1 MB anyway). */
const MAX_MERGED_BYTES = 4 * 2 ** 20;

function continues(previous: StoredEvent, event: StoredEvent): boolean {
  return event.sequenceNumber === previous.sequenceNumber + 1 && event.offset === previous.offset + previous.wire.length &&
    event.enqueuedTimeMs === previous.enqueuedTimeMs;
}

/**
 * Chunks for events read back from disk: consecutive records enqueued at the same instant, numbered and placed one
 * after the other, share a chunk (in practice one per original transfer). Their bytes are copied into the chunk's slab.
 */
export function chunksOf(events: readonly StoredEvent[]): EventChunk[] {
  const chunks: EventChunk[] = [];
  let from = 0;
  let bytes = 0;
  for (let i = 0; i <= events.length; i++) {
    const event = events[i];
    const previous = events[i - 1];
    if (i > from && (!event || !previous || !continues(previous, event) || bytes + event.wire.length > MAX_MERGED_BYTES)) {
      chunks.push(chunkOfRun(events.slice(from, i)));
      from = i;
      bytes = 0;
    }
    bytes += event?.wire.length ?? 0;
  }
  return chunks;
}

function chunkOfRun(run: readonly StoredEvent[]): EventChunk {
  const first = run[0] as StoredEvent;
  const slab = allocateSlab(run.reduce((sum, e) => sum + e.wire.length, 0), run.length);
  const keys = new KeyCollector();
  let at = 0;
  for (const [i, event] of run.entries()) {
    at += event.wire.copy(slab, at);
    setLayout(slab, run.length, i, at, event.headerLength);
    keys.add(event.partitionKey);
  }
  return {
    slab,
    count: run.length,
    firstSequenceNumber: first.sequenceNumber,
    firstOffset: first.offset,
    enqueuedTimeMs: first.enqueuedTimeMs,
    partitionKey: keys.result(),
  };
}

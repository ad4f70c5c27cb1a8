// The compact in-memory form of a partition's events: one chunk per appended transfer (or per run of restored records)
// holding the delivered bytes in one slab and per-event positions in typed arrays, instead of one object per event.
// At the scale run's 365,000 events one object per event cost ~200 B of heap each; a chunk costs a few bytes per event.
// A StoredEvent is built on demand, for as long as a reader needs it.
import type { StoredEvent } from './diskLog.ts';

export interface EventChunk {
  /** The delivered bytes of every event, back to back. */
  slab: Buffer;
  firstSequenceNumber: number;
  /** The offset of the first event; an event's offset is this plus its start (offsets are byte positions). */
  firstOffset: number;
  /** One time per chunk: a transfer is enqueued at one instant, and restored records are grouped by it. */
  enqueuedTimeMs: number;
  /** Where event i starts in the slab; one more entry than events, the last being the slab's length. */
  starts: Uint32Array;
  headerLengths: Uint32Array;
  /** One key for every event (the usual case: a batch sent with a partition key), else one per event. */
  partitionKey: string | undefined | Array<string | undefined>;
}

export function chunkLength(chunk: EventChunk): number {
  return chunk.headerLengths.length;
}

export function lastSequenceNumberOf(chunk: EventChunk): number {
  return chunk.firstSequenceNumber + chunk.headerLengths.length - 1;
}

export function lastOffsetOf(chunk: EventChunk): number {
  return chunk.firstOffset + (chunk.starts[chunk.headerLengths.length - 1] as number);
}

/** Event `index` of the chunk (0 ≤ index < length). */
export function eventAt(chunk: EventChunk, index: number): StoredEvent {
  const start = chunk.starts[index] as number;
  const key = chunk.partitionKey;
  return {
    sequenceNumber: chunk.firstSequenceNumber + index,
    offset: chunk.firstOffset + start,
    enqueuedTimeMs: chunk.enqueuedTimeMs,
    partitionKey: Array.isArray(key) ? key[index] : key,
    wire: chunk.slab.subarray(start, chunk.starts[index + 1]),
    headerLength: chunk.headerLengths[index] as number,
  };
}

export function eventsOf(chunk: EventChunk): StoredEvent[] {
  return Array.from({ length: chunkLength(chunk) }, (_, i) => eventAt(chunk, i));
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
  const starts = new Uint32Array(run.length + 1);
  const headerLengths = new Uint32Array(run.length);
  const keys = new KeyCollector();
  for (const [i, event] of run.entries()) {
    starts[i + 1] = (starts[i] as number) + event.wire.length;
    headerLengths[i] = event.headerLength;
    keys.add(event.partitionKey);
  }
  return {
    slab: Buffer.concat(run.map((e) => e.wire), starts[run.length]),
    firstSequenceNumber: first.sequenceNumber,
    firstOffset: first.offset,
    enqueuedTimeMs: first.enqueuedTimeMs,
    starts,
    headerLengths,
    partitionKey: keys.result(),
  };
}

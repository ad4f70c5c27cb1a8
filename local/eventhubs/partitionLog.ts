// One partition's ordered log: assigns sequence numbers and offsets, keeps events in memory for readers (optionally
// backed by a PartitionFile), drops events past retention, and wakes receivers when new events are published. Events
// are kept as chunks, one per appended transfer (see eventChunks.ts), and handed out one at a time on demand.
import type { PartitionFile, StoredEvent } from './diskLog.ts';
import { byteLength, chunksOf, eventAt, eventsOf, lastOffsetOf, lastSequenceNumberOf, startOf, type EventChunk } from './eventChunks.ts';
import { buildDeliveries, parseEvent } from './messageCodec.ts';

export type { StoredEvent };

export interface PartitionProperties {
  beginSequenceNumber: number;
  lastSequenceNumber: number;
  lastOffset: number;
  lastEnqueuedTimeMs: number;
  isEmpty: boolean;
}

interface Tail { sequenceNumber: number; offset: number; enqueuedTimeMs: number }

export class PartitionLog {
  readonly hub: string;
  readonly id: string;
  private readonly retentionMs: number | undefined;
  private readonly file: PartitionFile | undefined;
  /** Published chunks in order; those before `head` have expired (their slots are emptied so their bytes can go). */
  private chunks: Array<EventChunk | undefined> = [];
  private head = 0;
  /** The chunk the last lookup found: readers mostly go forward one event at a time. */
  private hint = 0;
  /** Counters for events accepted but maybe not yet on disk; readers only ever see published ones. */
  private nextSequenceNumber = 0;
  private nextOffset = 0;
  private lastTimeMs = 0;
  /** The last published event, kept even when retention has dropped it, for partition properties. */
  private tail: Tail | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(hub: string, id: string, options: { retentionMs?: number; file?: PartitionFile; restored?: StoredEvent[] }) {
    this.hub = hub;
    this.id = id;
    this.retentionMs = options.retentionMs;
    this.file = options.file;
    const restored = options.restored ?? [];
    const last = restored[restored.length - 1];
    if (last) {
      // Records already past retention are not copied in only to be dropped by the trim below.
      const cutoff = this.retentionMs === undefined ? -Infinity : Date.now() - this.retentionMs;
      this.chunks = chunksOf(restored.filter((event) => event.enqueuedTimeMs >= cutoff));
      this.tail = { sequenceNumber: last.sequenceNumber, offset: last.offset, enqueuedTimeMs: last.enqueuedTimeMs };
      this.nextSequenceNumber = last.sequenceNumber + 1;
      this.nextOffset = last.offset + last.wire.length;
      this.lastTimeMs = last.enqueuedTimeMs;
    }
    this.trim(Date.now());
  }

  /** The sequence number the next appended event gets (Kafka's produce response reports it as the base offset). */
  get nextSequence(): number {
    return this.nextSequenceNumber;
  }

  /** Stores the encoded events of one transfer; resolves once they are durable (on disk when a file backs the log). */
  append(rawEvents: Buffer[], envelopeKey: string | undefined): Promise<void> | undefined {
    // Enqueued times never go backwards, so time filters can binary-search.
    const now = Math.max(Date.now(), this.lastTimeMs);
    this.lastTimeMs = now;
    const first = { sequenceNumber: this.nextSequenceNumber, offset: this.nextOffset, enqueuedTimeMs: now };
    const chunk = buildDeliveries(rawEvents.map(parseEvent), envelopeKey, first);
    this.nextSequenceNumber += chunk.count;
    this.nextOffset += byteLength(chunk);
    if (!this.file) {
      this.publish(chunk);
      return undefined;
    }
    return this.file.append(eventsOf(chunk)).then(() => this.publish(chunk));
  }

  private publish(chunk: EventChunk): void {
    if (chunk.count > 0) {
      this.chunks.push(chunk);
      this.tail = { sequenceNumber: lastSequenceNumberOf(chunk), offset: lastOffsetOf(chunk), enqueuedTimeMs: chunk.enqueuedTimeMs };
    }
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after each publish until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get firstSequenceNumber(): number {
    return this.chunks[this.head]?.firstSequenceNumber ?? this.endSequenceNumber;
  }

  /** One past the last published sequence number: where a reader at the end waits. */
  get endSequenceNumber(): number {
    return this.tail ? this.tail.sequenceNumber + 1 : 0;
  }

  /** The event with this sequence number, or undefined when it is past the end or already expired. */
  at(sequenceNumber: number): StoredEvent | undefined {
    const hinted = this.chunks[this.hint];
    const index = this.hint >= this.head && hinted && sequenceNumber >= hinted.firstSequenceNumber && sequenceNumber <= lastSequenceNumberOf(hinted)
      ? this.hint
      : this.firstChunkWhere((chunk) => lastSequenceNumberOf(chunk) >= sequenceNumber);
    const chunk = this.chunks[index];
    if (!chunk || sequenceNumber < chunk.firstSequenceNumber) return undefined;
    this.hint = index;
    return eventAt(chunk, sequenceNumber - chunk.firstSequenceNumber);
  }

  /** The index of the first live chunk for which `after` is true (chunks are ordered by it), or the chunks' length. */
  private firstChunkWhere(after: (chunk: EventChunk) => boolean): number {
    let low = this.head;
    let high = this.chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const chunk = this.chunks[mid];
      if (chunk && after(chunk)) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  firstWithOffset(offset: number, inclusive: boolean): number {
    const after = (eventOffset: number) => (inclusive ? eventOffset >= offset : eventOffset > offset);
    const chunk = this.chunks[this.firstChunkWhere((c) => after(lastOffsetOf(c)))];
    if (!chunk) return this.endSequenceNumber;
    let low = 0;
    let high = chunk.count - 1; // the last event is known to match
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (after(chunk.firstOffset + startOf(chunk, mid))) high = mid;
      else low = mid + 1;
    }
    return chunk.firstSequenceNumber + low;
  }

  firstEnqueuedAfter(timeMs: number, inclusive: boolean): number {
    // A chunk's events share one enqueued time, so the first matching chunk starts with the first matching event.
    const chunk = this.chunks[this.firstChunkWhere((c) => (inclusive ? c.enqueuedTimeMs >= timeMs : c.enqueuedTimeMs > timeMs))];
    return chunk ? chunk.firstSequenceNumber : this.endSequenceNumber;
  }

  properties(): PartitionProperties {
    const last = this.tail;
    const isEmpty = this.head >= this.chunks.length;
    // An empty partition reports -1 / "-1" / epoch 0, the values the service uses before the first event.
    return {
      beginSequenceNumber: isEmpty ? (last ? last.sequenceNumber + 1 : 0) : this.firstSequenceNumber,
      lastSequenceNumber: last ? last.sequenceNumber : -1,
      lastOffset: last ? last.offset : -1,
      lastEnqueuedTimeMs: last ? last.enqueuedTimeMs : 0,
      isEmpty,
    };
  }

  /** Drops events older than the retention period: whole chunks, each having one enqueued time. */
  trim(nowMs: number): void {
    if (this.retentionMs === undefined) return;
    const cutoff = nowMs - this.retentionMs;
    while (this.head < this.chunks.length && (this.chunks[this.head]?.enqueuedTimeMs ?? Infinity) < cutoff) {
      this.chunks[this.head] = undefined;
      this.head += 1;
    }
    // Compact once the dead prefix dominates, so trimming stays amortised O(1) per chunk.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.hint = Math.max(this.hint - this.head, 0);
      this.head = 0;
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.file?.close();
  }
}

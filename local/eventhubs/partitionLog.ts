// One partition's ordered log: assigns sequence numbers and offsets, keeps events in memory for readers (optionally
// backed by a PartitionFile), drops events past retention, and wakes receivers when new events are published.
import type { PartitionFile, StoredEvent } from './diskLog.ts';
import { buildDeliveries, parseEvent } from './messageCodec.ts';

export type { StoredEvent };

export interface PartitionProperties {
  beginSequenceNumber: number;
  lastSequenceNumber: number;
  lastOffset: number;
  lastEnqueuedTimeMs: number;
  isEmpty: boolean;
}

export class PartitionLog {
  readonly hub: string;
  readonly id: string;
  private readonly retentionMs: number | undefined;
  private readonly file: PartitionFile | undefined;
  private events: StoredEvent[] = [];
  private head = 0;
  /** Counters for events accepted but maybe not yet on disk; readers only ever see published ones. */
  private nextSequenceNumber = 0;
  private nextOffset = 0;
  private lastTimeMs = 0;
  /** The last published event, kept even when retention has dropped it, for partition properties. */
  private tail: StoredEvent | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(hub: string, id: string, options: { retentionMs?: number; file?: PartitionFile; restored?: StoredEvent[] }) {
    this.hub = hub;
    this.id = id;
    this.retentionMs = options.retentionMs;
    this.file = options.file;
    const restored = options.restored ?? [];
    const last = restored[restored.length - 1];
    if (last) {
      this.events = restored;
      this.tail = last;
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
    const stored: StoredEvent[] = buildDeliveries(rawEvents.map(parseEvent), envelopeKey, first);
    const last = stored[stored.length - 1];
    if (last) {
      this.nextSequenceNumber = last.sequenceNumber + 1;
      this.nextOffset = last.offset + last.wire.length;
    }
    if (!this.file) {
      this.publish(stored);
      return undefined;
    }
    return this.file.append(stored).then(() => this.publish(stored));
  }

  private publish(stored: StoredEvent[]): void {
    for (const event of stored) this.events.push(event);
    this.tail = stored[stored.length - 1] ?? this.tail;
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after each publish until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get firstSequenceNumber(): number {
    return this.events[this.head]?.sequenceNumber ?? this.endSequenceNumber;
  }

  /** One past the last published sequence number: where a reader at the end waits. */
  get endSequenceNumber(): number {
    return this.tail ? this.tail.sequenceNumber + 1 : 0;
  }

  /** The event with this sequence number, or undefined when it is past the end or already expired. */
  at(sequenceNumber: number): StoredEvent | undefined {
    const first = this.events[this.head];
    if (!first || sequenceNumber < first.sequenceNumber) return undefined;
    return this.events[this.head + sequenceNumber - first.sequenceNumber];
  }

  /** The sequence number of the first event for which `after` is true (events are ordered by it), or the end. */
  private firstWhere(after: (event: StoredEvent) => boolean): number {
    let low = this.head;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const event = this.events[mid];
      if (event && after(event)) high = mid;
      else low = mid + 1;
    }
    return this.events[low]?.sequenceNumber ?? this.endSequenceNumber;
  }

  firstWithOffset(offset: number, inclusive: boolean): number {
    return this.firstWhere((e) => (inclusive ? e.offset >= offset : e.offset > offset));
  }

  firstEnqueuedAfter(timeMs: number, inclusive: boolean): number {
    return this.firstWhere((e) => (inclusive ? e.enqueuedTimeMs >= timeMs : e.enqueuedTimeMs > timeMs));
  }

  properties(): PartitionProperties {
    const last = this.tail;
    const isEmpty = this.head >= this.events.length;
    // An empty partition reports -1 / "-1" / epoch 0, the values the service uses before the first event.
    return {
      beginSequenceNumber: isEmpty ? (last ? last.sequenceNumber + 1 : 0) : this.firstSequenceNumber,
      lastSequenceNumber: last ? last.sequenceNumber : -1,
      lastOffset: last ? last.offset : -1,
      lastEnqueuedTimeMs: last ? last.enqueuedTimeMs : 0,
      isEmpty,
    };
  }

  /** Drops events older than the retention period. */
  trim(nowMs: number): void {
    if (this.retentionMs === undefined) return;
    const cutoff = nowMs - this.retentionMs;
    while (this.head < this.events.length && (this.events[this.head]?.enqueuedTimeMs ?? Infinity) < cutoff) this.head += 1;
    // Compact once the dead prefix dominates, so trimming stays amortised O(1) per event.
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.file?.close();
  }
}

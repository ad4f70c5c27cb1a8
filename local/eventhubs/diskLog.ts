// One append-only file per partition. Records are written with group commit: every append made while a write is in
// flight joins the next single write + fdatasync, and an append's promise resolves only once its bytes are on disk.
// The client's send is settled after that, so an accepted event survives a crash or restart.
import { closeSync, fdatasync, openSync, readFileSync, existsSync, ftruncateSync, writev, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EmulatorStorageError } from './errors.ts';

export interface StoredEvent {
  sequenceNumber: number;
  offset: number;
  enqueuedTimeMs: number;
  partitionKey: string | undefined;
  /** The encoded message as delivered, broker annotations included. */
  wire: Buffer;
  headerLength: number;
}

// Fixed part: length u32, crc u32, sequence f64, offset f64, time f64, header length u32, key length i32.
const FIXED = 4 + 4 + 8 + 8 + 8 + 4 + 4;

function encodeRecord(event: StoredEvent): Buffer {
  const key = event.partitionKey === undefined ? undefined : Buffer.from(event.partitionKey, 'utf8');
  const head = Buffer.alloc(FIXED);
  head.writeUInt32LE(FIXED - 4 + (key?.length ?? 0) + event.wire.length, 0);
  head.writeDoubleLE(event.sequenceNumber, 8);
  head.writeDoubleLE(event.offset, 16);
  head.writeDoubleLE(event.enqueuedTimeMs, 24);
  head.writeUInt32LE(event.headerLength, 32);
  head.writeInt32LE(key ? key.length : -1, 36);
  let crc = crc32(head.subarray(8));
  if (key) crc = crc32(key, crc);
  head.writeUInt32LE(crc32(event.wire, crc), 4);
  return key ? Buffer.concat([head, key, event.wire]) : Buffer.concat([head, event.wire]);
}

/** Reads every whole record; a torn or corrupt tail (a crash mid-write) ends the log there. */
function decodeRecords(data: Buffer): { events: StoredEvent[]; validLength: number } {
  const events: StoredEvent[] = [];
  let at = 0;
  while (at + FIXED <= data.length) {
    const end = at + 4 + data.readUInt32LE(at);
    const keyLength = data.readInt32LE(at + 36);
    if (end > data.length || keyLength > end - at - FIXED) break;
    if (crc32(data.subarray(at + 8, end)) !== data.readUInt32LE(at + 4)) break;
    const keyEnd = at + FIXED + Math.max(keyLength, 0);
    events.push({
      sequenceNumber: data.readDoubleLE(at + 8),
      offset: data.readDoubleLE(at + 16),
      enqueuedTimeMs: data.readDoubleLE(at + 24),
      headerLength: data.readUInt32LE(at + 32),
      partitionKey: keyLength < 0 ? undefined : data.subarray(at + FIXED, keyEnd).toString('utf8'),
      wire: data.subarray(keyEnd, end), // a view: the partition log copies what it keeps into its chunks
    });
    at = end;
  }
  return { events, validLength: at };
}

interface Pending { buffers: Buffer[]; waiters: Array<(error?: Error) => void> }

export class PartitionFile {
  readonly path: string;
  private readonly fd: number;
  private pending: Pending = { buffers: [], waiters: [] };
  private flushing = false;
  private closed = false;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  /** Opens (creating if needed) the file for one partition and returns the events already in it. */
  static open(dataDir: string, hub: string, partitionId: string): { file: PartitionFile; events: StoredEvent[] } {
    const dir = join(dataDir, encodeURIComponent(hub.toLowerCase()));
    const path = join(dir, `partition-${partitionId}.log`);
    try {
      mkdirSync(dir, { recursive: true });
      const { events, validLength } = existsSync(path) ? decodeRecords(readFileSync(path)) : { events: [], validLength: 0 };
      const fd = openSync(path, 'a+');
      ftruncateSync(fd, validLength); // drop a torn tail so new records follow the last whole one
      return { file: new PartitionFile(path, fd), events };
    } catch (error) {
      throw new EmulatorStorageError(`cannot open partition log ${path}`, { cause: error });
    }
  }

  append(events: StoredEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new EmulatorStorageError(`partition log ${this.path} is closed`));
    return new Promise((resolve, reject) => {
      for (const event of events) this.pending.buffers.push(encodeRecord(event));
      this.pending.waiters.push((error) => (error ? reject(error) : resolve()));
      if (!this.flushing) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.waiters.length === 0) {
      this.flushing = false;
      return;
    }
    this.flushing = true;
    this.pending = { buffers: [], waiters: [] };
    const done = (error: Error | null) => {
      const failure = error ? new EmulatorStorageError(`cannot write partition log ${this.path}`, { cause: error }) : undefined;
      for (const waiter of batch.waiters) waiter(failure);
      this.flush();
    };
    writev(this.fd, batch.buffers, (writeError) => {
      if (writeError) return done(writeError);
      fdatasync(this.fd, done);
    });
  }

  /** Waits for writes in flight, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushing || this.pending.waiters.length > 0) await this.append([]).catch(() => undefined);
    this.closed = true;
    closeSync(this.fd);
  }
}

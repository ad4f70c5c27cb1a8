// Fetch and ListOffsets. Kafka offsets are the events' sequence numbers, so a Kafka consumer and an AMQP receiver
// name the same event by the same number. A fetch that finds fewer than MinBytes waits for new events on any partition
// it asked for, up to MaxWaitMs (a long poll), then answers with what there is.
import { partitionOf, topicOf, type Handler, type Session } from '../context.ts';
import { ErrorCode } from '../errorCodes.ts';
import { amqpToRecord } from '../interop.ts';
import { writeBatch, type KafkaRecord } from '../recordBatch.ts';
import type { PartitionLog } from '../../partitionLog.ts';
import { Writer } from '../wire.ts';

interface FetchRequest {
  MaxWaitMs: number;
  MinBytes: number;
  MaxBytes?: number;
  SessionId?: number;
  Topics: Array<{ Topic: string; Partitions: Array<{ Partition: number; FetchOffset: number; PartitionMaxBytes: number }> }>;
}

/** Longest a fetch may wait, whatever it asks for: a long poll must not hold a connection's responses for minutes. */
const MAX_WAIT_MS = 30_000;
/** Per record on top of key, value and headers: the varints and attributes of the record-batch encoding. */
const RECORD_OVERHEAD = 24;
/** librdkafka reads a null record set as a protocol error: an empty partition answers with no bytes instead. */
const EMPTY: Buffer = Buffer.alloc(0);

function recordSize(record: KafkaRecord): number {
  let size = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) size += header.key.length + (header.value?.length ?? 0) + 4;
  return size;
}

/** One partition's answer: records from `offset` up to `maxBytes` (at least one, so a large record still moves on). */
function readPartition(partition: PartitionLog, offset: number, maxBytes: number, budget: { left: number }) {
  const end = partition.endSequenceNumber;
  const start = partition.firstSequenceNumber;
  const base = { HighWatermark: end, LastStableOffset: end, LogStartOffset: start, AbortedTransactions: null, PreferredReadReplica: -1 };
  if (offset < start || offset > end) return { ...base, ErrorCode: ErrorCode.offsetOutOfRange, RecordSet: EMPTY, bytes: 0 };
  const records: KafkaRecord[] = [];
  let bytes = 0;
  for (let next = offset; next < end; next++) {
    const event = partition.at(next);
    if (!event) break;
    const record = amqpToRecord(event);
    const size = recordSize(record);
    if (records.length > 0 && (bytes + size > maxBytes || size > budget.left)) break;
    records.push(record);
    bytes += size;
    budget.left -= size;
  }
  if (records.length === 0) return { ...base, ErrorCode: ErrorCode.none, RecordSet: EMPTY, bytes: 0 };
  const writer = new Writer(bytes + 128);
  writeBatch(writer, offset, records);
  return { ...base, ErrorCode: ErrorCode.none, RecordSet: writer.finish(), bytes };
}

function waitForEvents(partitions: PartitionLog[], ms: number, session: Session): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: Array<() => void> = [];
    const done = () => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const partition of partitions) unsubscribes.push(partition.subscribe(done));
    void session.onClose.then(done);
  });
}

export const fetch: Handler = async (request, _version, session, context) => {
  const { MaxWaitMs, MinBytes, MaxBytes, SessionId, Topics } = request as unknown as FetchRequest;
  if ((SessionId ?? 0) !== 0) return { ThrottleTimeMs: 0, ErrorCode: ErrorCode.fetchSessionIdNotFound, SessionId: 0, Responses: [] };
  const build = () => {
    const budget = { left: MaxBytes !== undefined && MaxBytes > 0 ? MaxBytes : Infinity };
    let total = 0;
    let failed = false;
    const watched: PartitionLog[] = [];
    const responses = Topics.map((topic) => {
      const resolved = topicOf(topic.Topic, session, context);
      return {
        Topic: topic.Topic,
        PartitionResponses: topic.Partitions.map((asked) => {
          const empty = { Partition: asked.Partition, HighWatermark: -1, LastStableOffset: -1, LogStartOffset: -1, AbortedTransactions: null, PreferredReadReplica: -1, RecordSet: EMPTY };
          const partition = 'hub' in resolved ? partitionOf(resolved.hub, asked.Partition) : undefined;
          if (!partition) {
            failed = true;
            return { ...empty, ErrorCode: 'errorCode' in resolved ? resolved.errorCode : ErrorCode.unknownTopicOrPartition };
          }
          watched.push(partition);
          const { bytes, ...answer } = readPartition(partition, asked.FetchOffset, asked.PartitionMaxBytes, budget);
          if (answer.ErrorCode !== ErrorCode.none) failed = true;
          total += bytes;
          return { Partition: asked.Partition, ...answer };
        }),
      };
    });
    return { response: { ThrottleTimeMs: 0, ErrorCode: ErrorCode.none, SessionId: 0, Responses: responses }, total, failed, watched };
  };
  const first = build();
  const waitMs = Math.min(Math.max(MaxWaitMs, 0), MAX_WAIT_MS);
  if (first.total >= Math.max(MinBytes, 1) || first.failed || waitMs === 0 || first.watched.length === 0) return first.response;
  await waitForEvents(first.watched, waitMs, session);
  return build().response;
};

interface ListOffsetsRequest {
  Topics: Array<{ Name: string; Partitions: Array<{ PartitionIndex: number; Timestamp: number }> }>;
}

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

export const listOffsets: Handler = (request, _version, session, context) => {
  const { Topics } = request as unknown as ListOffsetsRequest;
  return {
    ThrottleTimeMs: 0,
    Topics: Topics.map((topic) => {
      const resolved = topicOf(topic.Name, session, context);
      return {
        Name: topic.Name,
        Partitions: topic.Partitions.map(({ PartitionIndex, Timestamp }) => {
          const answer = (errorCode: number, offset: number, timestamp = -1) =>
            ({ PartitionIndex, ErrorCode: errorCode, OldStyleOffsets: offset < 0 ? [] : [offset], Timestamp: timestamp, Offset: offset, LeaderEpoch: 0 });
          if ('errorCode' in resolved) return answer(resolved.errorCode, -1);
          const partition = partitionOf(resolved.hub, PartitionIndex);
          if (!partition) return answer(ErrorCode.unknownTopicOrPartition, -1);
          const end = partition.endSequenceNumber;
          if (Timestamp === LATEST) return answer(ErrorCode.none, end);
          if (Timestamp === EARLIEST) return answer(ErrorCode.none, partition.firstSequenceNumber);
          if (Timestamp === MAX_TIMESTAMP) {
            const last = partition.at(end - 1);
            return last ? answer(ErrorCode.none, last.sequenceNumber, last.enqueuedTimeMs) : answer(ErrorCode.none, -1);
          }
          // By time: the first event enqueued at or after it (enqueued times never go backwards, so this is a search).
          const found = partition.at(partition.firstEnqueuedAfter(Timestamp, true));
          return found ? answer(ErrorCode.none, found.sequenceNumber, found.enqueuedTimeMs) : answer(ErrorCode.none, -1);
        }),
      };
    }),
  };
};

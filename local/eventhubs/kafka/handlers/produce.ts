// Produce: each partition's record batches are checked (CRC, format, compression, size), turned into AMQP events and
// appended to the partition's log exactly as an AMQP send is, so offsets are the events' sequence numbers and a
// `--data-dir` keeps them. The answer waits until the events are stored (on disk with a data directory), unless the
// producer asked for no acknowledgement (acks=0), which gets no answer at all, as the protocol says.
import { LIMITS } from '../../config.ts';
import { ensureError } from '../../errors.ts';
import { partitionOf, topicOf, type Handler } from '../context.ts';
import { ErrorCode } from '../errorCodes.ts';
import { recordToAmqp } from '../interop.ts';
import { readBatches, RecordBatchError, type KafkaRecord } from '../recordBatch.ts';

interface ProduceRequest {
  TransactionalId: string | null;
  Acks: number;
  TopicData: Array<{ Name: string; PartitionData: Array<{ Index: number; Records: Buffer | null }> }>;
}

interface PartitionResponse {
  Index: number;
  ErrorCode: number;
  BaseOffset: number;
  LogAppendTimeMs: number;
  LogStartOffset: number;
  RecordErrors: unknown[];
  ErrorMessage: string | null;
}

const KAFKA_STORAGE_ERROR = 56;
const INVALID_REQUIRED_ACKS = 21;
const TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53;

/** What a record weighs against the 1 MB event limit: its key, value and headers. */
function recordBytes(record: KafkaRecord): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) size += Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

export const produce: Handler = async (request, _version, session, context) => {
  const { Acks: acks, TopicData: topics, TransactionalId: transactionalId } = request as unknown as ProduceRequest;
  const pending: Array<Promise<void>> = [];
  const responses = topics.map((topic) => {
    const resolved = topicOf(topic.Name, session, context);
    return {
      Name: topic.Name,
      PartitionResponses: topic.PartitionData.map((data): PartitionResponse => {
        const answer: PartitionResponse = { Index: data.Index, ErrorCode: ErrorCode.none, BaseOffset: -1, LogAppendTimeMs: -1, LogStartOffset: -1, RecordErrors: [], ErrorMessage: null };
        const refuse = (code: number, message: string | null = null) => Object.assign(answer, { ErrorCode: code, ErrorMessage: message });
        if (transactionalId !== null) return refuse(TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'transactions are not supported');
        if (acks !== 0 && acks !== 1 && acks !== -1) return refuse(INVALID_REQUIRED_ACKS);
        if ('errorCode' in resolved) return refuse(resolved.errorCode);
        const partition = partitionOf(resolved.hub, data.Index);
        if (!partition) return refuse(ErrorCode.unknownTopicOrPartition);
        let records: KafkaRecord[];
        try {
          records = readBatches(data.Records ?? Buffer.alloc(0), LIMITS.maxMessageBytes);
        } catch (error) {
          if (!(error instanceof RecordBatchError)) throw error;
          return refuse(error.code, error.message);
        }
        const size = records.reduce((sum, record) => sum + recordBytes(record), 0);
        if (size > LIMITS.maxMessageBytes) {
          return refuse(ErrorCode.messageTooLarge, `the batch (${size} bytes of keys, values and headers) exceeds the limit (${LIMITS.maxMessageBytes} bytes)`);
        }
        answer.BaseOffset = partition.nextSequence;
        answer.LogStartOffset = partition.firstSequenceNumber;
        if (records.length === 0) return answer;
        const stored = partition.append(records.map(recordToAmqp), undefined);
        if (stored) {
          pending.push(stored.catch((error: unknown) => {
            context.logger.warn(`[kafka conn ${session.id}] storage error: ${ensureError(error).message}`);
            refuse(KAFKA_STORAGE_ERROR, 'The records could not be stored.');
          }));
        }
        return answer;
      }),
    };
  });
  if (acks === 0) return undefined;
  await Promise.all(pending);
  return { Responses: responses, ThrottleTimeMs: 0 };
};

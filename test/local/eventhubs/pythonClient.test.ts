// Debian's Python SDK (azure-eventhub 5.11 with its own AMQP stack, pyamqp) against the emulator over AMQPS, the
// JavaScript client (over the same TLS listener) checking the other side. Every call of the driver failed before
// the emulator answered as the service does (whole performatives, both termini and link properties in attach
// replies, replies on the link the client attached, tokens decided by their content, refusals as errors).
import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type EmulatorConfig, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { lookup3, partitionForKey } from '../../../local/eventhubs/partitionKey.ts';
import { collect, FAST_RETRY } from './helpers.ts';
import { pythonMissing, runPython, throwawayCertificate } from './pythonProbe.ts';

if (pythonMissing) console.warn(`skipping the Python client tests: ${pythonMissing}`);

const CONFIG: EmulatorConfig = {
  UserConfig: {
    NamespaceConfig: [{ Type: 'EventHub', Name: 'ns', Entities: [
      { Name: 'temperatures', PartitionCount: 4, ConsumerGroups: [] },
      { Name: 'positions', PartitionCount: 2, ConsumerGroups: [] },
    ] }],
  },
};

/** Python's datetime.isoformat(): microseconds and +00:00 where JavaScript writes milliseconds and Z. */
const instant = (iso: string | undefined) => Date.parse(String(iso));

/**
 * Where azure-eventhub 5.11's buffered producer sends a key: the service's lookup3 fold, but Python's `%` (never
 * negative) where the service, .NET and JavaScript take the absolute value of a negative remainder. For keys whose
 * folded hash is negative it picks another partition than the service would; it sends to that partition explicitly.
 */
function pythonPartitionForKey(key: string, count: number): number {
  const { b, c } = lookup3(Buffer.from(key, 'utf8'));
  const folded = ((c ^ b) << 16) >> 16;
  return ((folded % count) + count) % count;
}

interface PyEvent { body: string; partitionKey: string | null; sequenceNumber: number; offset: string; enqueuedTime: string; properties: Record<string, unknown>; contentType: string | null; messageId: string | null }
interface PyFailure { type: string; condition: string | null; message: string }
interface PyRun { events: PyEvent[]; errors: PyFailure[] }

describe.skipIf(pythonMissing)('the Python Event Hubs client (azure-eventhub 5.11, pyamqp)', () => {
  let cert: ReturnType<typeof throwawayCertificate>;
  let emulator: RunningEmulator;
  let cs: string;
  const hub = (name: string) => `${cs}EntityPath=${name};`;
  const py = <T>(scenario: string, connection: string, ...args: (string | number)[]) => runPython<T>(scenario, connection, cert.certPath, ...args);

  beforeAll(async () => {
    cert = throwawayCertificate();
    // The JavaScript client checks the other side over the same AMQPS listener, trusting the test's certificate.
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert.certPath, 'utf8')]);
    emulator = await start({ port: 0, config: CONFIG, tls: { cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) } });
    cs = emulator.connectionString;
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
    cert?.dispose();
  });

  it('reads hub and partition properties as the JavaScript client sees them', async () => {
    const producer = new EventHubProducerClient(cs, 'temperatures', { retryOptions: FAST_RETRY });
    await producer.sendBatch([{ body: 'p' }], { partitionId: '1' });
    const js = await producer.getPartitionProperties('1');
    await producer.close();
    const seen = await py<{ hub: Record<string, unknown>; ids: string[]; partitions: Record<string, unknown>[]; consumerHub: unknown; consumerPartition: Record<string, unknown> }>('properties', hub('temperatures'));
    expect(seen.hub).toMatchObject({ eventhub_name: 'temperatures', partition_ids: ['0', '1', '2', '3'] });
    expect(seen.ids).toEqual(['0', '1', '2', '3']);
    expect(seen.partitions[1]).toEqual({
      eventhub_name: 'temperatures', id: '1', beginning_sequence_number: 0, last_enqueued_sequence_number: js.lastEnqueuedSequenceNumber,
      last_enqueued_offset: js.lastEnqueuedOffset, is_empty: false, last_enqueued_time_utc: expect.any(String),
    });
    expect(instant(seen.partitions[1]?.['last_enqueued_time_utc'] as string)).toBe(js.lastEnqueuedOnUtc.getTime());
    expect(seen.partitions[0]).toMatchObject({ id: '0', last_enqueued_sequence_number: -1, is_empty: true });
    expect(seen.consumerHub).toEqual(seen.hub);
    expect(seen.consumerPartition).toMatchObject({ id: '0', is_empty: true });
  }, 120_000);

  it('sends batches and single events by key, by partition and spread; the JavaScript client reads each where the key or partition puts it', async () => {
    const marker = `m${Date.now()}`;
    const sent = await py<{ maxSizeInBytes: number; partitionMax: number }>('send', hub('temperatures'), marker);
    expect(sent).toEqual({ maxSizeInBytes: 1_048_576, partitionMax: 1_048_576 });
    const consumer = new EventHubConsumerClient('$default', cs, 'temperatures', { retryOptions: FAST_RETRY });
    const mine = (e: { event: { properties?: Record<string, unknown> } }) => e.event.properties?.['marker'] === marker;
    const events = (await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.filter(mine).length >= 8, 30_000)).filter(mine);
    await consumer.close();
    const where = Object.fromEntries(events.map((e) => [String(e.event.body), e.partitionId]));
    expect(Object.keys(where).sort()).toEqual(['anywhere', 'keyed-0', 'keyed-1', 'keyed-2', 'london', 'to-1', 'to-2a', 'to-2b']);
    for (const n of [0, 1, 2]) expect(where[`keyed-${n}`]).toBe(String(partitionForKey('paris', 4)));
    expect(where['london']).toBe(String(partitionForKey('london', 4)));
    expect([where['to-1'], where['to-2a'], where['to-2b']]).toEqual(['1', '2', '2']);
    const keyed = events.find((e) => String(e.event.body) === 'keyed-1')?.event;
    expect(keyed).toMatchObject({ partitionKey: 'paris', contentType: 'text/plain', messageId: `${marker}-keyed-1`, properties: { marker, n: 1 } });
  }, 120_000);

  it('receives from every start position: earliest, latest, offset and sequence number (exclusive, inclusive), enqueued time, in batches', async () => {
    const producer = new EventHubProducerClient(cs, 'positions', { retryOptions: FAST_RETRY });
    for (const n of [0, 1, 2, 3, 4]) await producer.sendBatch([{ body: `e${n}` }], { partitionId: '0' });
    await producer.close();
    const consumer = new EventHubConsumerClient('$default', cs, 'positions', { retryOptions: FAST_RETRY });
    const [first] = await collect(consumer, { partitionId: '0', startPosition: earliestEventPosition }, (all) => all.length >= 1);
    await consumer.close();
    const event = first!.event;
    const runs = await py<Record<string, PyRun>>('positions', hub('positions'), '0', event.offset, event.sequenceNumber, event.enqueuedTimeUtc.getTime(), 5);
    const sequences = Object.fromEntries(Object.entries(runs).map(([kind, run]) => [kind, run.events.map((e) => e.sequenceNumber)]));
    expect(sequences).toEqual({
      earliest: [0, 1, 2, 3, 4], offsetExclusive: [1, 2, 3, 4], offsetInclusive: [0, 1, 2, 3, 4], sequenceExclusive: [1, 2, 3, 4],
      sequenceInclusive: [0, 1, 2, 3, 4], enqueuedTime: [0, 1, 2, 3, 4], batch: [0, 1, 2, 3, 4], latest: [5],
    });
    expect(Object.values(runs).flatMap((run) => run.errors)).toEqual([]);
    // The JavaScript client writes a string body as JSON.
    expect(runs['earliest']!.events[0]).toMatchObject({ body: '"e0"', offset: event.offset });
    expect(instant(runs['earliest']!.events[0]?.enqueuedTime)).toBe(event.enqueuedTimeUtc.getTime());
  }, 150_000);

  it('stores every event of the buffered producer, which hashes keys itself, on the partition it sends each to', async () => {
    const result = await py<{ sent: [string, string][]; failed: PyFailure[] }>('buffered', hub('temperatures'), 20);
    expect(result.failed).toEqual([]);
    expect(result.sent).toHaveLength(20);
    for (const [key, partition] of result.sent) expect(partition, key).toBe(String(pythonPartitionForKey(key, 4)));
    // Some of these keys go elsewhere than the service's (and the emulator's) hash would send them: a client trait.
    expect(result.sent.some(([key, partition]) => partition !== String(partitionForKey(key, 4)))).toBe(true);
    const consumer = new EventHubConsumerClient('$default', cs, 'temperatures', { retryOptions: FAST_RETRY });
    const isKey = (body: unknown) => /^key-\d+$/.test(String(body));
    const events = (await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.filter((e) => isKey(e.event.body)).length >= 20, 30_000)).filter((e) => isKey(e.event.body));
    await consumer.close();
    expect(events.map((e) => [String(e.event.body), e.partitionId]).sort()).toEqual([...result.sent].sort());
  }, 120_000);

  it('reports owner levels as the service does: a higher level takes over, a lower one and one without a level are refused', async () => {
    const seen = await py<Record<'first' | 'higher' | 'lower' | 'without', PyFailure[]>>('ownerLevels', hub('positions'), '1');
    const conditions = (failures: PyFailure[]) => failures.map((f) => `${f.type} ${f.condition ?? ''}`);
    expect(conditions(seen.first)).toEqual(['ConnectionLostError amqp:link:stolen']);
    expect(seen.higher).toEqual([]);
    expect(conditions(seen.lower)).toEqual(['ConnectionLostError amqp:link:stolen']);
    expect(conditions(seen.without)).toEqual(['ConnectionLostError amqp:link:stolen']);
  }, 120_000);

  it('raises the service\'s errors for a wrong key, an unknown hub or consumer group, a partition out of range and a message too large', async () => {
    const wrongKey = hub('temperatures').replace('SharedAccessKey=SAS_KEY_VALUE', 'SharedAccessKey=not-the-key');
    const seen = await py<Record<string, { error?: PyFailure } | PyFailure[]>>('refusals', hub('temperatures'), wrongKey, hub('no-such-hub'));
    const error = (name: string) => (seen[name] as { error?: PyFailure }).error;
    expect(error('wrongKey')).toMatchObject({ type: 'AuthenticationError', message: expect.stringContaining('Status code: 401') });
    for (const name of ['unknownHubProperties', 'unknownHubSend']) {
      expect(error(name)).toMatchObject({ type: 'AuthenticationError', message: expect.stringMatching(/Status code: 404\nDescription: The messaging entity 'sb:\/\/localhost:\d+\/no-such-hub' could not be found\./) });
    }
    expect(error('partitionOutOfRange')).toMatchObject({ type: 'ConnectError', message: expect.stringContaining('Status code: 400') });
    expect(error('sendOutOfRange')?.type).toBe('ConnectError');
    expect(error('tooLarge')).toMatchObject({
      type: 'EventDataSendError',
      message: expect.stringMatching(/The received message \(delivery-id:\d+, size:\d+ bytes\) exceeds the limit \(1048576 bytes\) currently allowed on the link\./),
    });
    expect(seen['unknownGroup']).toEqual([expect.objectContaining({ type: 'ConnectionLostError', condition: 'amqp:not-found' })]);
  }, 150_000);
});

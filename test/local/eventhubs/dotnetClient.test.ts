// The emulator with the .NET Event Hubs client (Azure.Messaging.EventHubs 5.12), the one the Functions host runs the
// Event Hubs trigger and output binding on: what `func start` needs from it. Each scenario runs in the probe
// (./dotnet) over real sockets; the JavaScript client checks the other side.
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { partitionForKey } from '../../../local/eventhubs/partitionKey.ts';
import { buildProbe, dotnetMissing, type Probe } from './dotnetProbe.ts';
import { collect, delay } from './helpers.ts';

const HUB = 'interop';
/** A hub of its own for the buffered producer's 40 keys, so the position tests' partitions hold only their events. */
const KEYS_HUB = 'keys';
const PARTITIONS = 4;

interface ProbeEvent {
  sequenceNumber: number;
  offset: string;
  enqueuedMs: number;
  partitionKey: string | null;
  body: string;
  properties: Record<string, string>;
}
interface ReadResult {
  events: ProbeEvent[];
  lastEnqueued: { sequenceNumber: number; offset: string };
}

if (dotnetMissing) console.warn(`skipping the .NET Event Hubs client tests: ${dotnetMissing}`);

describe.skipIf(dotnetMissing !== undefined)('the .NET Event Hubs client', () => {
  let emulator: RunningEmulator;
  let probe: Probe;
  let cs: string;
  let producer: EventHubProducerClient;
  let consumer: EventHubConsumerClient;

  beforeAll(async () => {
    [emulator, probe] = await Promise.all([
      start({
        port: 0,
        config: {
          UserConfig: {
            NamespaceConfig: [
              {
                Type: 'EventHub',
                Name: 'emulatorNs1',
                Entities: [
                  { Name: HUB, PartitionCount: PARTITIONS, ConsumerGroups: [] },
                  { Name: KEYS_HUB, PartitionCount: PARTITIONS, ConsumerGroups: [] },
                ],
              },
            ],
          },
        },
      }),
      buildProbe(),
    ]);
    cs = `${emulator.connectionString}EntityPath=${HUB};`;
    producer = new EventHubProducerClient(emulator.connectionString, HUB);
    consumer = new EventHubConsumerClient('$default', emulator.connectionString, HUB);
  }, 300_000);

  afterAll(async () => {
    await consumer?.close();
    await producer?.close();
    await emulator?.close();
    await probe?.dispose();
  });

  it('connects (SASL MSSBCBS, then a SAS token on $cbs) and reads the hub and partition properties', async () => {
    const seen = await probe.run<{ name: string; partitionIds: string[]; partitions: { id: string; empty: boolean; last: number }[] }>('properties', cs);
    expect(seen.name).toBe(HUB);
    expect(seen.partitionIds).toEqual(['0', '1', '2', '3']);
    expect(seen.partitions.map((p) => [p.id, p.empty, p.last])).toEqual(['0', '1', '2', '3'].map((id) => [id, true, -1]));
  });

  it('publishes a batch with a partition key to the partition the JavaScript client routes that key to, body and properties intact', async () => {
    await producer.sendBatch([{ body: 'from-js' }], { partitionKey: 'berlin' });
    await probe.run('send', cs, 'key:berlin', 5, 'net');
    const events = await collect(consumer, { startPosition: earliestEventPosition }, (all) => all.length >= 6, 10_000);
    const expected = String(partitionForKey('berlin', PARTITIONS));
    expect(events.map((e) => e.partitionId)).toEqual(Array(6).fill(expected));
    const fromNet = events.filter((e) => e.event.properties?.['client'] === 'dotnet');
    expect(fromNet.map((e) => Buffer.from(e.event.body as Uint8Array).toString())).toEqual(['net-0', 'net-1', 'net-2', 'net-3', 'net-4']);
    expect(fromNet.map((e) => [e.event.properties?.['i'], e.event.partitionKey, e.event.contentType, e.event.messageId])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i, 'berlin', 'text/plain', `net-${i}`]),
    );
  });

  it('agrees with the buffered producer, which hashes partition keys itself, on where every key goes', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `city-${i}`);
    expect(await probe.run('send-buffered', `${emulator.connectionString}EntityPath=${KEYS_HUB};`, 'buffered', ...keys)).toEqual({ enqueued: 40, failures: 0 });
    const keysConsumer = new EventHubConsumerClient('$default', emulator.connectionString, KEYS_HUB);
    const events = await collect(keysConsumer, { startPosition: earliestEventPosition }, (all) => all.length >= 40, 15_000).finally(() => keysConsumer.close());
    const placed = events.map((e) => [String(Buffer.from(e.event.body as Uint8Array)).slice('buffered:'.length), e.partitionId] as const);
    expect(placed).toHaveLength(40);
    expect(new Map(placed)).toEqual(new Map(keys.map((key) => [key, String(partitionForKey(key, PARTITIONS))])));
    expect(new Set(placed.map(([, partition]) => partition)).size).toBe(PARTITIONS); // 40 keys reach every partition
  }, 60_000);

  it('reads what the JavaScript client sent from every kind of position, with the service’s sequence numbers and offsets', async () => {
    for (let i = 0; i < 5; i++) {
      await producer.sendBatch([{ body: `js-${i}`, properties: { i } }], { partitionId: '1' });
      await delay(5);
    }
    const asJs = await collect(consumer, { partitionId: '1', startPosition: earliestEventPosition }, (all) => all.length >= 5);
    const jsView = asJs.map((c) => ({ sequenceNumber: c.event.sequenceNumber, offset: String(c.event.offset), enqueuedMs: c.event.enqueuedTimeUtc.getTime() }));

    const earliest = await probe.run<ReadResult>('read', cs, '1', 'earliest', 10);
    expect(earliest.events.map(({ sequenceNumber, offset, enqueuedMs }) => ({ sequenceNumber, offset, enqueuedMs }))).toEqual(jsView);
    expect(earliest.events.map((e) => [e.body, e.properties['i']])).toEqual([0, 1, 2, 3, 4].map((i) => [`"js-${i}"`, String(i)]));
    expect(earliest.lastEnqueued).toEqual({ sequenceNumber: 4, offset: jsView[4]?.offset });

    const bodies = (read: ReadResult) => read.events.map((e) => e.body);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', `offset:${jsView[1]?.offset}`, 10))).toEqual(['"js-2"', '"js-3"', '"js-4"']);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', `offset:${jsView[1]?.offset}:inclusive`, 10))).toEqual(['"js-1"', '"js-2"', '"js-3"', '"js-4"']);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', 'sequence:3', 10))).toEqual(['"js-4"']);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', 'sequence:3:inclusive', 10))).toEqual(['"js-3"', '"js-4"']);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', `time:${jsView[2]?.enqueuedMs}`, 10))).toEqual(['"js-3"', '"js-4"']);
    expect(bodies(await probe.run<ReadResult>('read', cs, '1', 'latest', 10))).toEqual([]);
  }, 60_000);

  it('lets a receiver with a higher owner level take a partition over and refuses a lower one (ConsumerDisconnected)', async () => {
    await producer.sendBatch([{ body: 'owned' }], { partitionId: '2' });
    const seen = await probe.run<Record<string, unknown>>('owner-level', cs, '2');
    expect(seen).toEqual({ firstCount: 1, secondCount: 1, firstAfter: 'ConsumerDisconnected', lowerReason: 'ConsumerDisconnected' });
  }, 60_000);

  it('maps a wrong key, an unknown hub and an unknown partition to the exceptions the client documents', async () => {
    const failure = async (connectionString: string, what: string) => (await probe.run<{ reason: string }>('failure', connectionString, what)).reason;
    expect(await failure(cs.replace('SAS_KEY_VALUE', 'not-the-key'), 'properties')).toBe('UnauthorizedAccessException');
    expect(await failure(cs.replace(`EntityPath=${HUB}`, 'EntityPath=nosuchhub'), 'properties')).toBe('ResourceNotFound');
    expect(await failure(cs.replace(`EntityPath=${HUB}`, 'EntityPath=nosuchhub'), 'send')).toBe('ResourceNotFound');
    expect(await failure(cs, 'partition')).toBe('ArgumentOutOfRangeException');
  }, 60_000);

  it('runs two event processors as the Functions host does: they split the partitions, and a handover loses or repeats nothing', async () => {
    const before = (await Promise.all(['0', '1', '2', '3'].map((id) => producer.getPartitionProperties(id)))).reduce((n, p) => n + (p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber + 1), 0);
    const seen = await probe.run<{
      alone: { received: number; distinct: number };
      balanced: Record<string, string[]>;
      shared: { received: number; distinct: number; bodies: string[]; byProcessor: Record<string, number> };
      errors: string[];
    }>('processor', cs, before, 10);
    // The processor reports a slow load-balancing cycle (storage or thread pool too slow for its 3 s ownership interval)
    // through its error handler as a WARNING: on a loaded machine that is the machine, not the emulator; anything else fails.
    expect(seen.errors.filter((e) => !/WARNING: A load balancing cycle has taken too long/.test(e))).toEqual([]);
    expect(seen.alone).toEqual({ received: before, distinct: before });
    expect(Object.keys(seen.balanced).sort()).toEqual(['a', 'b']);
    expect(Object.values(seen.balanced).flat().sort()).toEqual(['0', '1', '2', '3']);
    // 10 new events per partition after the handover: each processed once, by whichever processor owns it now.
    expect(seen.shared.received).toBe(40);
    expect(seen.shared.distinct).toBe(40);
    expect(new Set(seen.shared.bodies)).toEqual(new Set(['0', '1', '2', '3'].flatMap((p) => Array.from({ length: 10 }, (_, i) => `after-handover-p${p}-${i}`))));
    expect(seen.shared.byProcessor).toEqual({ a: 20, b: 20 });
  }, 120_000);
});

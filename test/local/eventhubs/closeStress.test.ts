// Guards the fix for the `$cbs` close timeout (issue 16, item 3; docs/eventhubs-emulator.md "The $cbs close timeout"):
// 200 producers and 200 consumers open, work and close, 20 of each at a time, beside a busy process that keeps the
// CPU loaded. Before the fix the emulator closed a consumer's connection when rhea settled a delivery after ending
// its session, and the client then waited 60 s for the answers to the closes it had in flight, its $cbs link's among
// them: here every close must finish within 30 s, and the emulator must close no connection for malformed input.
import { spawn } from 'node:child_process';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { describe, expect, it } from 'vitest';
import { start } from '../../../local/eventhubs/index.ts';

const CLIENTS = 200;
const AT_ONCE = 20;
const CLOSE_DEADLINE_MS = 30_000;

async function closeWithin(what: string, client: { close(): Promise<void> }, failures: string[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  const late = new Promise<void>((resolve) => (timer = setTimeout(() => resolve(void failures.push(`${what}: close still pending after ${CLOSE_DEADLINE_MS} ms`)), CLOSE_DEADLINE_MS)));
  const closed = client.close().then(
    () => undefined,
    (error: unknown) => void failures.push(`${what}: close failed after ${Date.now() - started} ms: ${(error as Error).message}`),
  );
  await Promise.race([closed, late]);
  clearTimeout(timer);
}

describe('start: closing many clients under load', () => {
  it(`lets ${CLIENTS} producers and ${CLIENTS} consumers close, with a busy process beside them, none timing out`, async () => {
    const warnings: string[] = [];
    const emulator = await start({ port: 0, logger: { debug: () => undefined, warn: (message) => warnings.push(message) } });
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    const failures: string[] = [];
    try {
      // Events to read, so that consumers have deliveries in flight (and settle some) when they close.
      const filler = new EventHubProducerClient(emulator.connectionString, 'temperatures');
      for (const partitionId of ['0', '1', '2', '3']) await filler.sendBatch(Array.from({ length: 200 }, (_, n) => ({ body: n })), { partitionId });
      await filler.close();

      const producer = async (n: number) => {
        const client = new EventHubProducerClient(emulator.connectionString, 'temperatures');
        try {
          await client.getPartitionProperties(String(n % 4));
          await client.sendBatch([{ body: n }], { partitionKey: `key-${n}` });
        } catch (error) {
          failures.push(`producer ${n}: ${(error as Error).message}`);
        }
        await closeWithin(`producer ${n}`, client, failures);
      };
      const consumer = async (n: number) => {
        const client = new EventHubConsumerClient('$default', emulator.connectionString, 'temperatures');
        await new Promise<void>((resolve) => {
          const subscription = client.subscribe(
            { processEvents: async (events) => void (events.length > 0 && subscription.close().then(resolve, resolve)), processError: async () => undefined },
            { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.2 },
          );
        });
        await closeWithin(`consumer ${n}`, client, failures);
      };
      let next = 0;
      const worker = async () => {
        for (let n = next++; n < CLIENTS; n = next++) await Promise.all([producer(n), consumer(n)]);
      };
      await Promise.all(Array.from({ length: AT_ONCE }, worker));
    } finally {
      busy.kill('SIGKILL');
      await emulator.close();
    }
    expect(failures).toEqual([]);
    expect(warnings.filter((w) => w.includes('closing the connection'))).toEqual([]);
  }, 600_000);
});

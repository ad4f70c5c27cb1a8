// `npm run emulators`, run as users run it (its own Node process): Azurite, the Event Hubs emulator with its Kafka
// endpoint, and the health endpoint; --help, port options, and a taken port named with the option that moves it.
// The run on the usual fixed ports is skipped (with a message) where something else holds one of them: the launch
// itself is the probe (a port free at a separate probe can be taken before the launch binds it on a shared machine).
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { EventHubProducerClient } from '@azure/event-hubs';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { killLaunched, launch, type Launched } from './cliProcess.ts';
import { waitUntil } from '../waitUntil.ts';

const SCRIPT = join(import.meta.dirname, '../../local/emulators.ts');
const PORTS = [10000, 10001, 10002, 5672, 9092, 5300];
const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

afterEach(killLaunched);

/** The value after a label at the start of a line of the banner. */
function field(output: string, label: string): string {
  return output.split('\n').find((l) => l.trimStart().startsWith(label))?.trimStart().slice(label.length).trim() ?? '';
}

async function banner(running: Launched): Promise<string> {
  await waitUntil(() => /Health: +http/.test(running.output()), 60_000, 'the emulators banner');
  return running.output();
}

/** Produces and reads back one record with exactly the printed Kafka settings. */
async function kafkaRoundTrip(output: string): Promise<string | undefined> {
  const kafka = new Kafka({
    clientId: 'emulators-test',
    brokers: [field(output, 'Kafka:').replace('bootstrap.servers=', '')],
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: 'plain', username: field(output, 'sasl.username='), password: field(output, 'sasl.password=') },
  });
  expect(field(output, 'security.protocol=')).toBe('SASL_PLAINTEXT');
  expect(field(output, 'sasl.mechanism=')).toBe('PLAIN');
  const producer = kafka.producer();
  await producer.connect();
  const [sent] = await producer.send({ topic: 'temperatures', messages: [{ value: 'from kafka', partition: 0 }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'emulators-test', maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'temperatures', fromBeginning: true });
  let value: string | undefined;
  await consumer.run({ eachMessage: async ({ message }) => void (value = message.value?.toString()) });
  await waitUntil(() => value !== undefined, 20_000, 'the record back');
  await consumer.disconnect();
  expect(sent?.errorCode).toBe(0);
  return value;
}

async function stopWithCtrlC(running: Launched): Promise<void> {
  running.child.kill('SIGINT');
  const finished = await running.finished;
  // The output says why when it did not start (say, Azurite slower than its 30 s under load): not a Ctrl-C failure.
  expect(finished.code, `${finished.stdout}\n${finished.stderr}`).toBe(0);
}

describe('npm run emulators', () => {
  it('prints its options with --help and exits without starting anything', async () => {
    const running = launch(SCRIPT, ['--help']);
    const finished = await running.finished;
    expect(finished.code).toBe(0);
    for (const option of ['--blob-port', '--queue-port', '--table-port', '--amqp-port', '--kafka-port', '--health-port', '--host', '--data-dir', '--tls-cert']) {
      expect(finished.stdout).toContain(option);
    }
    expect(finished.stdout).not.toContain('Emulators running');
  });

  it('refuses an unknown option or a bad port with the usage and exit code 2', async () => {
    for (const args of [['--bogus'], ['--kafka-port', 'abc'], ['--amqp-port', '70000']]) {
      const finished = await launch(SCRIPT, args).finished;
      expect(finished.code).toBe(2);
      expect(finished.stderr).toContain('Usage: npm run emulators');
    }
  });

  it.each(['--kafka-port', '--amqp-port', '--health-port', '--queue-port'])('names a taken port and the option that moves it (%s)', async (option) => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    try {
      const others = ['--blob-port', '--queue-port', '--table-port', '--amqp-port', '--kafka-port', '--health-port'].filter((o) => o !== option).flatMap((o) => [o, '0']);
      const finished = await launch(SCRIPT, [...others, option, String(taken)]).finished;
      expect(finished.code).toBe(2);
      expect(finished.stderr).toMatch(new RegExp(`Port ${taken} \\(.+\\) is in use: .*choose another with ${option} N`));
    } finally {
      holder.close();
    }
  }, 60_000);

  it('starts everything on the ports it is given (0: free ones), prints the Kafka settings that work, reports health, stops on Ctrl-C', async () => {
    const running = launch(SCRIPT, ['--blob-port', '0', '--queue-port', '0', '--table-port', '0', '--amqp-port', '0', '--kafka-port', '0', '--health-port', '0']);
    try {
      const output = await banner(running);
      expect(await kafkaRoundTrip(output)).toBe('from kafka');
      const health = await fetch(field(output, 'Health:'));
      expect([health.status, await health.json()]).toEqual([200, { status: 'healthy', message: 'Service is healthy.' }]);
    } finally {
      await stopWithCtrlC(running);
    }
  }, 90_000);

  it('stops on Ctrl-C while still starting (health 503) and leaves no Azurite process behind', async () => {
    const running = launch(SCRIPT, ['--blob-port', '0', '--queue-port', '0', '--table-port', '0', '--amqp-port', '0', '--kafka-port', '0', '--health-port', '0']);
    // The health endpoint is bound first and its URL printed at once: the start is watched from there, no port probed.
    await waitUntil(() => /^Starting: http:\S+ answers 503/m.test(running.output()), 60_000, 'the health endpoint URL');
    const healthUrl = /^Starting: (http:\S+)/m.exec(running.output())?.[1] as string;
    let status = 0;
    await waitUntil(async () => {
      status = await fetch(healthUrl).then((r) => r.status, () => 0);
      return status !== 0;
    }, 60_000, 'the health endpoint');
    const children = spawnSync('pgrep', ['-P', String(running.child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '').map(Number);
    await stopWithCtrlC(running);
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    await waitUntil(() => children.every((pid) => !alive(pid)), 15_000, `child processes ${children.join(', ')} (health was ${status}) to end`);
  }, 90_000);

  describe('on its usual ports', () => {
    it('serves Azurite on 10000-10002, AMQP on 5672, Kafka on 9092 and health on 5300, and lets go of all of them on Ctrl-C', async ({ skip }) => {
      const running = launch(SCRIPT, []);
      let exited = false;
      void running.finished.then(() => (exited = true));
      await waitUntil(() => exited || /Health: +http/.test(running.output()), 60_000, 'the emulators banner or an exit');
      if (exited) {
        const { code, stderr } = await running.finished;
        const taken = /Port (\d+) \(.+\) is in use|A port is in use \(([^)]*)\)/.exec(stderr);
        if (code === 2 && taken) {
          console.warn(`skipping the npm run emulators test on its default ports: ${taken[0]}`);
          skip(taken[0]);
        }
        throw new Error(`npm run emulators exited with code ${code} before its banner:\n${stderr}`);
      }
      try {
        const output = running.output();
        const storage = field(output, 'Storage (Azurite):');
        const eventHubs = field(output, 'Event Hubs:');
        expect(storage).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
        expect(eventHubs).toBe('Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=temperatures;');
        expect(field(output, 'Kafka:')).toBe('bootstrap.servers=localhost:9092');
        expect(field(output, 'Health:')).toBe('http://127.0.0.1:5300/health');

        const container = BlobServiceClient.fromConnectionString(storage).getContainerClient('emulators-test');
        await container.createIfNotExists();
        const queue = QueueServiceClient.fromConnectionString(storage).getQueueClient('emulators-test');
        await queue.createIfNotExists();
        const producer = new EventHubProducerClient(eventHubs);
        try {
          expect((await producer.getEventHubProperties()).partitionIds).toHaveLength(4);
        } finally {
          await producer.close();
        }
        expect(await kafkaRoundTrip(output)).toBe('from kafka');
        expect((await fetch('http://127.0.0.1:5300/health')).status).toBe(200);
      } finally {
        await stopWithCtrlC(running);
      }
      expect(await Promise.all(PORTS.map(free))).toEqual(PORTS.map(() => true));
    }, 90_000);
  });
});

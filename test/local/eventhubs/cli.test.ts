// `npm run eventhubs-emulator`: the standalone CLI as a user runs it, in its own process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterEach, describe, expect, it } from 'vitest';
import { killLaunched, launch as launchScript } from '../cliProcess.ts';
import { waitUntil } from '../../waitUntil.ts';
import { opensslMissing, throwawayCertificate } from './pythonProbe.ts';

const CLI = join(import.meta.dirname, '../../../local/eventhubs/cli.ts');
const launch = (args: string[]) => launchScript(CLI, args);

/** The connection string the emulator prints once it listens. */
async function printedConnectionString(running: ReturnType<typeof launch>): Promise<string> {
  await waitUntil(() => /EntityPath=temperatures;/.test(running.output()), 20_000, 'the connection string');
  return running.output().split('\n').find((line) => line.startsWith('Endpoint=sb://localhost:')) ?? '';
}

afterEach(killLaunched);

describe('the Event Hubs emulator CLI', () => {
  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await launch(['--help']).finished;
    expect(code).toBe(0);
    for (const flag of ['--port', '--host', '--config', '--data-dir', '--retention-minutes', '--server-busy-rate', '--tls-cert', '--tls-key', '--verbose']) expect(stdout).toContain(flag);
  });

  it('refuses an unknown flag, a bad number and an invalid config with exit code 2 and a message naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eh-cli-'));
    try {
      const config = join(dir, 'Config.json');
      writeFileSync(config, JSON.stringify({ UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'ns', Entities: [{ Name: 'h', PartitionCount: 64, ConsumerGroups: [] }] }] } }));
      const cases: [string[], RegExp][] = [
        [['--nope'], /Unknown option '--nope'/],
        [['--port', 'x'], /--port must be a non-negative number, got 'x'/],
        [['--server-busy-rate', '2'], /--server-busy-rate must be at most 1/],
        [['--tls-cert', config], /--tls-cert and --tls-key go together/],
        [['--tls-cert', join(dir, 'none.pem'), '--tls-key', join(dir, 'none.pem')], /cannot read --tls-cert .*none\.pem/],
        [['--config', config, '--port', '0'], /Entities\[0\]\.PartitionCount: must be an integer from 1 to 32/],
      ];
      for (const [args, message] of cases) {
        const { code, stderr } = await launch(args).finished;
        expect(code, args.join(' ')).toBe(2);
        expect(stderr, args.join(' ')).toMatch(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000); // six launches of the CLI, each a Node process started on a busy machine

  it('serves the real client on the connection string it prints, and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const running = launch(['--port', '0']);
    const connectionString = await printedConnectionString(running);
    const producer = new EventHubProducerClient(connectionString);
    try {
      expect((await producer.getEventHubProperties()).partitionIds).toEqual(['0', '1', '2', '3']);
    } finally {
      await producer.close();
    }
    running.child.kill('SIGINT');
    const { code } = await running.finished;
    expect(code).toBe(0);
  }, 30_000);

  it('with --verbose logs one line per connection and per link, and nothing of the key', async () => {
    const running = launch(['--port', '0', '--verbose']);
    const connectionString = await printedConnectionString(running);
    const producer = new EventHubProducerClient(connectionString);
    await producer.getEventHubProperties();
    await producer.sendBatch([{ body: 'logged' }], { partitionId: '1' });
    await producer.close();
    // Stop only once the emulator has logged the client's close, so the log below is complete.
    await waitUntil(() => /\[conn 1\] closed \(by client\)/.test(running.errors()), 20_000, "the emulator's log of the client's close");
    running.child.kill('SIGINT');
    const { stderr } = await running.finished;
    const lines = stderr.split('\n').filter((line) => line.startsWith('[eventhubs] [conn 1]'));
    expect(lines[0]).toMatch(/^\[eventhubs\] \[conn 1\] opened from 127\.0\.0\.1:\d+$/);
    for (const pattern of [/link '.+' attached for requests to \$cbs/, /link '.+' attached for replies from \$management/, /producer link '.+' attached to 'temperatures\/Partitions\/1'/, /closed \(by client\)/]) {
      expect(lines.filter((line) => pattern.test(line)), String(pattern)).toHaveLength(1);
    }
    expect(stderr).not.toContain('SAS_KEY_VALUE');
    expect(stderr).not.toContain('SharedAccessSignature');
  }, 30_000);

  it.skipIf(!!opensslMissing)('with --tls-cert and --tls-key serves AMQPS and prints a connection string without UseDevelopmentEmulator', async () => {
    const cert = throwawayCertificate();
    try {
      setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert.certPath, 'utf8')]);
      const running = launch(['--port', '0', '--tls-cert', cert.certPath, '--tls-key', cert.keyPath]);
      const connectionString = await printedConnectionString(running);
      expect(connectionString).not.toContain('UseDevelopmentEmulator');
      const producer = new EventHubProducerClient(connectionString);
      try {
        expect((await producer.getEventHubProperties()).partitionIds).toEqual(['0', '1', '2', '3']);
      } finally {
        await producer.close();
      }
      running.child.kill('SIGINT');
      expect((await running.finished).code).toBe(0);
    } finally {
      cert.dispose();
    }
  }, 30_000);
});

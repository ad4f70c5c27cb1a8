// The two Kafka clients the emulator is tested with: kafkajs (npm) in-process, and librdkafka through Debian's kcat in
// a child process. Both authenticate as Event Hubs asks: SASL PLAIN, username $ConnectionString.
import { spawn, spawnSync } from 'node:child_process';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { start, type RunningEmulator, type StartOptions } from '../../../../local/eventhubs/index.ts';

export const HUB = 'temperatures';

export function connectionStringFor(emulator: RunningEmulator, key = 'SAS_KEY_VALUE'): string {
  return emulator.connectionString.replace('SharedAccessKey=SAS_KEY_VALUE', `SharedAccessKey=${key}`);
}

export async function startWithKafka(options: StartOptions = {}): Promise<RunningEmulator & { kafka: { port: number; bootstrapServer: string } }> {
  const emulator = await start({ port: 0, ...options });
  if (!emulator.kafka) throw new Error('the emulator did not start its Kafka endpoint');
  return emulator as RunningEmulator & { kafka: { port: number; bootstrapServer: string } };
}

export function kafkajs(emulator: RunningEmulator, options: Partial<KafkaConfig> & { password?: string } = {}): Kafka {
  const { password, ...config } = options;
  return new Kafka({
    clientId: 'emulator-test',
    brokers: [`localhost:${emulator.kafka?.port ?? 0}`],
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: 'plain', username: '$ConnectionString', password: password ?? emulator.connectionString },
    retry: { retries: 2, initialRetryTime: 100 },
    ...config,
  });
}

export const kcatMissing: string | undefined = (() => {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? 'kcat (Debian package kcat, librdkafka) is not installed' : undefined;
})();
if (kcatMissing) console.warn(`skipping the kcat (librdkafka) tests: ${kcatMissing}; .ci/run installs it`);

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat against the emulator with SASL_PLAINTEXT and PLAIN credentials, feeding `input` to its stdin. */
export function kcat(emulator: RunningEmulator, args: string[], input = '', password = emulator.connectionString, timeoutMs = 30_000): Promise<KcatResult> {
  const child = spawn('kcat', [
    '-b', `localhost:${emulator.kafka?.port ?? 0}`,
    '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN',
    '-X', 'sasl.username=$ConnectionString', '-X', `sasl.password=${password}`,
    ...args,
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

// Kafka over TLS (SASL_SSL), as Event Hubs serves it on 9093, when the emulator has a certificate: kafkajs and kcat
// connect with the certificate as their CA; the broker they are told about in Metadata is the name they connected
// to, so hostname verification passes. Skipped with a message where openssl (to make the certificate) is missing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../local/eventhubs/index.ts';
import { onPath } from '../../../infra/bicepCli.ts';
import { HUB, kafkajs, kcat, kcatMissing, startWithKafka } from './clients.ts';

const openssl = onPath('openssl');
if (!openssl) console.warn('skipping the Kafka TLS tests: openssl was not found on PATH (it makes the certificate)');

let dir = '';
let certPath = '';
let emulator: RunningEmulator;
beforeAll(async () => {
  if (!openssl) return;
  dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  emulator = await startWithKafka({ tls: { cert: readFileSync(certPath), key: readFileSync(keyPath) } });
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!openssl)('Kafka endpoint over TLS', () => {
  it('serves kafkajs with SASL_SSL and refuses a plain-text client', async () => {
    const producer = kafkajs(emulator, { ssl: { ca: [readFileSync(certPath)] } }).producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: HUB, messages: [{ value: 'over tls', partition: 0 }] });
    await producer.disconnect();
    expect(sent?.errorCode).toBe(0);

    const plain = kafkajs(emulator, { retry: { retries: 0 }, connectionTimeout: 2_000 }).producer();
    await expect(plain.connect()).rejects.toThrow();
  });

  it.skipIf(kcatMissing !== undefined)('serves kcat (librdkafka) with SASL_SSL and hostname verification', async () => {
    const tls = ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certPath}`, '-X', 'ssl.endpoint.identification.algorithm=https'];
    // clients.ts's kcat() sets SASL_PLAINTEXT first; a later -X wins in librdkafka.
    expect(await kcat(emulator, [...tls, '-P', '-t', HUB, '-p', '1'], 'kcat over tls\n')).toMatchObject({ code: 0 });
    const consumed = await kcat(emulator, [...tls, '-C', '-t', HUB, '-p', '1', '-o', 'beginning', '-e', '-f', '%s\n']);
    expect(consumed.stdout).toBe('kcat over tls\n');
  });
});

// Tokens grant what they name and no more, and only while they are valid (issue 18, defect 4): host, scheme and path
// are checked on put-token and on every $management request, and a link is detached with amqp:unauthorized-access
// when the last token covering it expires, unless the client renewed it (the JavaScript client does, shown with a
// credential whose tokens live seconds).
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { EventHubConsumerClient, EventHubProducerClient, type TokenCredential } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GRANTS } from '../../../local/eventhubs/grants.ts';
import { start, type EmulatorConfig, type RunningEmulator } from '../../../local/eventhubs/index.ts';
import { FAST_RETRY } from './helpers.ts';
import { opensslMissing, throwawayCertificate } from './pythonProbe.ts';
import { rheaPeer } from './rheaPeer.ts';
import { SharedKeyCredential } from './sharedKey.ts';
import { waitUntil } from '../../waitUntil.ts';

const CONFIG: EmulatorConfig = {
  UserConfig: { NamespaceConfig: [{ Type: 'EventHub', Name: 'ns', Entities: [
    { Name: 'temperatures', PartitionCount: 2, ConsumerGroups: [] },
    { Name: 'other', PartitionCount: 1, ConsumerGroups: [] },
  ] }] },
};
type AccessToken = NonNullable<Awaited<ReturnType<TokenCredential['getToken']>>>;
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe('start: what a token covers', () => {
  let emulator: RunningEmulator;
  let audience: (path: string, host?: string) => string;

  beforeAll(async () => {
    emulator = await start({ port: 0, config: CONFIG });
    audience = (path, host = 'localhost') => `sb://${host}:${emulator.port}/${path}`;
  });
  afterAll(() => emulator?.close());

  it('refuses a $management read of one hub with a token signed for another hub or another host', async () => {
    const peer = await rheaPeer(emulator.port);
    try {
      expect((await peer.readHub('temperatures', SharedKeyCredential.token(audience('temperatures')))).status).toBe(200);
      expect((await peer.readHub('temperatures', SharedKeyCredential.token(audience('temperatures/$management')))).status).toBe(200);
      expect(await peer.readHub('temperatures', SharedKeyCredential.token(audience('other')))).toMatchObject({ status: 401 });
      expect(await peer.readHub('temperatures', SharedKeyCredential.token(audience('temperatures', 'other-namespace.servicebus.windows.net')))).toMatchObject({ status: 401 });
      expect((await peer.readHub('temperatures')).status).toBe(401); // no token, and none put on the connection
      expect((await peer.putToken(SharedKeyCredential.token(audience('other')), audience('other'))).status).toBe(202);
      expect((await peer.readHub('temperatures')).status).toBe(401); // the connection's grant is for the other hub
      expect((await peer.readHub('other')).status).toBe(200);
    } finally {
      peer.close();
    }
  });

  it('refuses put-token for a resource without a scheme, with another scheme, or for another host, and attaches nothing on it', async () => {
    const peer = await rheaPeer(emulator.port);
    try {
      for (const resource of ['temperatures', 'localhost/temperatures', `ftp://localhost:${emulator.port}/temperatures`, audience('temperatures', 'evil.example')]) {
        const answer = await peer.putToken(SharedKeyCredential.token(resource), audience('temperatures'));
        expect(answer.status, resource).toBe(401);
      }
      const elsewhere = audience('temperatures', 'evil.example');
      expect(await peer.putToken(SharedKeyCredential.token(elsewhere), elsewhere)).toMatchObject({ status: 401, description: expect.stringContaining("host 'evil.example'") });
      const { detached } = peer.attach('sender', 'temperatures');
      expect(await detached).toMatchObject({ condition: 'amqp:unauthorized-access' });
    } finally {
      peer.close();
    }
  });

  it('keeps grants for at most 1000 entities per connection and refuses an overlong audience, instead of holding whatever is put', async () => {
    const peer = await rheaPeer(emulator.port);
    try {
      const put = (path: string) => peer.putToken(SharedKeyCredential.token(audience(path)), audience(path));
      const answers = await Promise.all(Array.from({ length: MAX_GRANTS }, (_, n) => put(`temperatures/p${n}`)));
      expect(answers.every((a) => a.status === 202)).toBe(true);
      expect(await put('temperatures/one-more')).toMatchObject({ status: 403 });
      expect((await put('temperatures/p7')).status).toBe(202); // a renewal is not a new grant
      expect((await put(`temperatures/${'x'.repeat(1_100)}`)).status).toBe(400);
    } finally {
      peer.close();
    }
  });

  it('detaches a receiver and a sender with amqp:unauthorized-access when their token expires, and keeps them while a renewal covers them', async () => {
    const peer = await rheaPeer(emulator.port);
    try {
      expect((await peer.putToken(SharedKeyCredential.token(audience('temperatures'), undefined, inSeconds(2)), audience('temperatures'))).status).toBe(202);
      const started = Date.now();
      const receiver = peer.attach('receiver', 'temperatures/ConsumerGroups/$default/Partitions/0');
      const sender = peer.attach('sender', 'temperatures/Partitions/1');
      await Promise.all([receiver.opened, sender.opened]);
      expect(await receiver.detached).toMatchObject({ condition: 'amqp:unauthorized-access', description: expect.stringContaining('has expired') });
      expect(await sender.detached).toMatchObject({ condition: 'amqp:unauthorized-access' });
      expect(Date.now() - started).toBeLessThan(10_000);

      const firstExpiry = inSeconds(2);
      expect((await peer.putToken(SharedKeyCredential.token(audience('temperatures'), undefined, firstExpiry), audience('temperatures'))).status).toBe(202);
      const renewed = peer.attach('receiver', 'temperatures/ConsumerGroups/$default/Partitions/1');
      // A canary on the other hub whose only token expires a second after the first one: its detach, on the same
      // connection (frames arrive in order), proves the emulator's clock went past that expiry, with no sleep.
      expect((await peer.putToken(SharedKeyCredential.token(audience('other'), undefined, firstExpiry + 1), audience('other'))).status).toBe(202);
      const canary = peer.attach('receiver', 'other/ConsumerGroups/$default/Partitions/0');
      await Promise.all([renewed.opened, canary.opened]);
      let detachedEarly = false;
      void renewed.detached.then(() => (detachedEarly = true));
      expect((await peer.putToken(SharedKeyCredential.token(audience('temperatures'), undefined, inSeconds(60)), audience('temperatures'))).status).toBe(202);
      expect(await canary.detached).toMatchObject({ condition: 'amqp:unauthorized-access' });
      expect(detachedEarly).toBe(false);
    } finally {
      peer.close();
    }
  });
});

describe.skipIf(!!opensslMissing)('start: the JavaScript client renews its tokens before they expire', () => {
  const ISSUER = 'https://sts.windows.net/tenant/';
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let cert: ReturnType<typeof throwawayCertificate>;
  let emulator: RunningEmulator;

  /** Entra-shaped tokens valid `lifetimeMs`; the client is told they expire `reportedMs` from now (it renews 2 minutes before). */
  const credential = (lifetimeMs: number, reportedMs: number): TokenCredential & { issued: number } => {
    const issued = { issued: 0 };
    return Object.assign(issued, {
      getToken: async (): Promise<AccessToken> => {
        issued.issued += 1;
        const now = Date.now();
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const signed = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ aud: 'https://eventhubs.azure.net', iss: ISSUER, nbf: Math.floor(now / 1000) - 1, exp: Math.floor((now + lifetimeMs) / 1000), oid: 'o' })}`;
        return { token: `${signed}.${sign('RSA-SHA256', Buffer.from(signed), keys.privateKey).toString('base64url')}`, expiresOnTimestamp: now + reportedMs };
      },
    });
  };

  /** Subscribes to partition 0 for `ms` while a producer sends an event every half second; returns what happened. */
  async function live(tokens: TokenCredential, ms: number): Promise<{ received: number; sent: number; errors: string[] }> {
    const namespace = `localhost:${emulator.port}`;
    const consumer = new EventHubConsumerClient('$default', namespace, 'temperatures', tokens, { retryOptions: { ...FAST_RETRY, maxRetries: 0 } });
    const producer = new EventHubProducerClient(emulator.connectionString.replace(/;$/, ''), 'temperatures', { retryOptions: FAST_RETRY });
    const errors: string[] = [];
    let received = 0;
    // From the partition's end as it is now, not "latest" at attach: no event is missed however late the link opens.
    const { lastEnqueuedSequenceNumber } = await producer.getPartitionProperties('0');
    const subscription = consumer.subscribe('0', {
      processEvents: async (events) => void (received += events.length),
      processError: async (error) => void errors.push(`${(error as { code?: string }).code ?? error.name}: ${error.message}`),
    }, { startPosition: { sequenceNumber: lastEnqueuedSequenceNumber, isInclusive: false }, maxWaitTimeInSeconds: 0.2 });
    let sent = 0;
    // The pacing is the scenario (tokens must expire while events flow), not a wait for something to happen.
    for (const until = Date.now() + ms; Date.now() < until; sent++) {
      await producer.sendBatch([{ body: sent }], { partitionId: '0' });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await waitUntil(() => received >= sent, 20_000, `all ${sent} events back (${received} so far; errors: ${errors.join('; ')})`);
    await subscription.close();
    await Promise.all([consumer.close(), producer.close()]);
    return { received, sent, errors };
  }

  beforeAll(async () => {
    cert = throwawayCertificate();
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(cert.certPath, 'utf8')]);
    const tls = { cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) };
    emulator = await start({ port: 0, config: CONFIG, tls, entra: { issuer: ISSUER, publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), clockSkewMs: 0 } });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    cert?.dispose();
  });

  it('keeps a receiver whose tokens live 3 seconds alive for 8 seconds, renewing each time, and receives every event', async () => {
    const tokens = credential(3_000, 2 * 60_000 + 1_500);
    const result = await live(tokens, 8_000);
    expect(result.errors).toEqual([]);
    expect(result.received).toBe(result.sent);
    expect(tokens.issued).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('detaches that receiver with UnauthorizedError once its token expires when the client does not renew it', async () => {
    const tokens = credential(3_000, 60 * 60_000);
    const result = await live(tokens, 6_000);
    expect(result.errors.some((e) => e.startsWith('UnauthorizedError'))).toBe(true);
    // The subscription recovers on a new link with a new token, from where it stopped.
    expect(tokens.issued).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

// Every parameter of every HTTP route, attacked with a corpus of hostile values over real HTTP: garbage, huge,
// unicode, OData fragments, the names of other tables and partitions, path tricks, control characters, and (for JSON
// bodies) every JSON type. The routes and their parameters come from the app's definitions (`route` for path
// values, `parameters` for query and body, the same constants the parsers check), so a new route or parameter is
// attacked as soon as it exists. No answer may be a 5xx; every refusal is JSON naming the parameter attacked; and
// nothing stored changes (every table's entities with their ETags, every blob with its ETag, every queue's length).
import { request } from 'node:http';
import { TableServiceClient, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunLedger } from '../../functions/adapters/runLedger.ts';
import type { HttpFunction } from '../../functions/app/definition.ts';
import { RESOURCES } from '../../functions/config/settings.ts';
import { httpDefinitions, KEYS, startApiHost, type ApiHost } from './apiHost.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Strings that must never reach a filter, a key, a path or a terminal unchecked. Encoded with encodeURIComponent. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', 'abcd', 'null', 'undefined', 'true', '0', '-1', '1.5', '1e309', 'NaN', 'Infinity', '0x10', '9'.repeat(400), 'x'.repeat(6_000),
  'Zürich', '東京', '🌡️'.repeat(50), 'e\u0301', '\u202eevil', '\ufeffbom', 'İ', 'ß'.repeat(100),
  "' or 1 eq 1", "alpha-city' or PartitionKey ne '", "x' or RowKey gt '", "PartitionKey eq 'alpha-city'", "')", "'", '%27', "$filter=PartitionKey ne ''",
  'aggregates', 'Aggregates', 'cities', 'runs', 'index', 'city', 'alpha-city', 'beta-city', 'M|2023-01', 'job|alpha-city|2023-01-01|2023-01-31',
  'AzureWebJobsHostLogscommon', 'AzureFunctionsDiagnosticEvents202601', '$MetricsHourPrimaryTransactionsBlob', 'deadletter', 'raw', 'live', 'Live',
  '../', '../../cities', '..%2F..%2Fcities', '/etc/passwd', '..\\..\\windows', 'a/b', '%2e%2e%2f', 'C:\\Windows', '//evil.example/x', 'file:///etc/passwd',
  '\u0000', 'nul\u0000byte', '\u001b]0;owned\u0007', '\r\nSet-Cookie: x=1', '\t', '\u007f', '\u0085',
  '{"a":1}', '[1,2]', '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '__proto__', 'constructor',
  '2023-13', '2023-00', '0000-01', '9999-12', '2023-1', '2023-01-01', '-2023-01', '2023-02-30', '+002023-01',
  'file-', 'file-000000000000000000000000x', `file-${'0'.repeat(2_000)}`, 'refresh-2023-02-30', 'refresh-9999-99-99',
  b64('{"nextPartitionKey":"index","nextRowKey":"x"}'), b64(`{"nextPartitionKey":"' or 1 eq 1"}`), b64('{"nextPartitionKey":"aggregates"}'),
  b64('{"nextPartitionKey":"city","nextRowKey":"\\u0000"}'), b64('{}'), b64('"x"'), b64('{"nextPartitionKey":"x","__proto__":{"polluted":1}}'),
];

/** JSON values beyond strings, for body fields. */
const HOSTILE_JSON: readonly unknown[] = [
  null, 0, -1, 1e308, -1e308, 0.5, true, false, [], {}, [null], [1], [''], ['alpha-city', 7], ['../x'], [{}],
  { __proto__: { polluted: 1 } }, JSON.parse('{"__proto__":{"polluted":1}}'), Array.from({ length: 1_001 }, (_, i) => `c${i}`), 'x'.repeat(90_000),
];

/** Whole bodies for routes that read one. */
const HOSTILE_BODIES: readonly string[] = [
  '', ' ', 'null', '1', '"x"', '[]', '[{}]', '{', '{"from":', 'not json', '\u0000', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`, JSON.stringify({ from: '2023-01', to: '2023-02', pad: 'x'.repeat(99_000) }), '\ufeff{}',
];

/** Values a route is called with when another parameter is under attack. */
const VALID: Record<string, string | string[] | undefined> = {
  city: 'alpha-city', from: '2023-01', to: '2023-02', groupBy: 'month', format: 'json', pageSize: '2', target: 'live', sideTable: 'replayHostile', id: 'file-000000000000000000000001',
};

const RELATED: Record<string, string[]> = { from: ['from', 'to'], to: ['from', 'to'] };

let api: ApiHost;
let snapshotBefore: string;
const answers: { name: string; status: number; text: string; attacked: string }[] = [];

async function snapshot(connectionString: string): Promise<string> {
  const parts: string[] = [];
  const tables = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  for await (const table of tables.listTables()) {
    const client = TableClient.fromConnectionString(connectionString, table.name!, { allowInsecureConnection: true });
    for await (const entity of client.listEntities()) parts.push(`table ${table.name} ${entity.partitionKey} ${entity.rowKey} ${entity.etag}`);
    parts.push(`table ${table.name}`);
  }
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  for await (const container of blobs.listContainers()) {
    parts.push(`container ${container.name}`);
    for await (const blob of blobs.getContainerClient(container.name).listBlobsFlat()) parts.push(`blob ${container.name}/${blob.name} ${blob.properties.etag}`);
  }
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  for await (const queue of queues.listQueues()) {
    const properties = await queues.getQueueClient(queue.name).getProperties();
    parts.push(`queue ${queue.name} ${properties.approximateMessagesCount}`);
  }
  return parts.sort().join('\n');
}

beforeAll(async () => {
  api = await startApiHost();
  const { clients } = api.host.app;
  // A run in the ledger and its index, and an (empty) side table for verify, so every route has something to read.
  const ledger = createRunLedger(clients.table(RESOURCES.runsTable));
  await ledger.recordFile(VALID.id as string, { file: 'seed.jsonl', citiesAccepted: 2, citiesRejected: 0, jobs: 2, cityDaysRequested: 4 }, new Date('2024-01-01T00:00:00Z'));
  await ledger.indexRun({ runId: VALID.id as string, kind: 'file', at: '2024-01-01T00:00:00.000Z', file: 'seed.jsonl', citiesAccepted: 2, citiesRejected: 0, duplicateLines: 0, jobs: 2, cityDaysRequested: 4 });
  await clients.table(VALID.sideTable as string).createTable();
  snapshotBefore = await snapshot(api.azuriteConnectionString);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

/** A raw request: the path goes out exactly as written (fetch would normalise `..`). */
function send(method: string, path: string, body?: string): Promise<{ status: number; text: string; type: string }> {
  const url = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { 'x-functions-key': KEYS.master, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), type: String(res.headers['content-type'] ?? '') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const routes = httpDefinitions as HttpFunction[];
const pathParams = (route: string) => [...route.matchAll(/\{(\w+)[^}]*\}/g)].map((m) => m[1]!);
const fill = (route: string, values: Record<string, string>) => route.replace(/\{(\w+)[^}]*\}/g, (_m, name: string) => values[name] ?? encodeURIComponent(String(VALID[name])));

function queryOf(definition: HttpFunction, attacked: string | undefined, value: string): string {
  const names = new Set([...(definition.parameters.query ?? []).filter((n) => VALID[n] !== undefined), ...(attacked ? [attacked] : [])]);
  return [...names].map((n) => `${encodeURIComponent(n)}=${n === attacked ? encodeURIComponent(value) : encodeURIComponent(String(VALID[n]))}`).join('&');
}

function bodyOf(definition: HttpFunction, attacked: string, value: unknown): string {
  const fields = Object.fromEntries((definition.parameters.body ?? []).filter((n) => VALID[n] !== undefined && n !== attacked).map((n) => [n, VALID[n]]));
  return JSON.stringify({ ...fields, [attacked]: value });
}

async function attack(definition: HttpFunction, attacked: string, name: string, method: string, path: string, body?: string): Promise<void> {
  const answer = await send(method, `/api/${path}`, body);
  answers.push({ name: `${definition.name} ${attacked} ${name}`, status: answer.status, text: answer.text, attacked });
}

describe('hostile values against every parameter of every route', () => {
  it('covers every HTTP function of the app, each declaring what it reads', () => {
    expect(routes.map((d) => d.name).sort()).toEqual(['adminReplay', 'adminVerify', 'getAggregates', 'getCities', 'getDashboard', 'getRun', 'getRuns']);
    for (const definition of routes) expect(definition.parameters).toBeTypeOf('object');
  });

  it('never answers 5xx, refuses with JSON naming the parameter, and leaves every stored byte as it was', async () => {
    for (const definition of routes) {
      const method = definition.trigger.methods[0] ?? 'GET';
      const base = (values: Record<string, string> = {}) => fill(definition.trigger.route, values);
      for (const param of pathParams(definition.trigger.route)) {
        for (const [i, value] of HOSTILE_STRINGS.entries()) {
          await attack(definition, param, `#${i}`, method, `${base({ [param]: encodeURIComponent(value) })}?${queryOf(definition, undefined, '')}`);
        }
        for (const raw of ['..', '../cities', '..%2Fcities', '%2e%2e', 'x%00', '%ZZ', '%C0%AE', '%ED%A0%80']) {
          await attack(definition, param, `raw ${raw}`, method, `${base({ [param]: raw })}?${queryOf(definition, undefined, '')}`);
        }
      }
      for (const param of definition.parameters.query ?? []) {
        for (const [i, value] of HOSTILE_STRINGS.entries()) await attack(definition, param, `#${i}`, method, `${base()}?${queryOf(definition, param, value)}`);
        await attack(definition, param, 'twice', method, `${base()}?${queryOf(definition, param, 'a')}&${encodeURIComponent(param)}=b`);
        await attack(definition, param, 'invalid UTF-8', method, `${base()}?${queryOf(definition, param, '\u0001').replace('%01', '%ED%A0%80%FF')}`);
      }
      for (const field of definition.parameters.body ?? []) {
        for (const [i, value] of [...HOSTILE_STRINGS, ...HOSTILE_JSON].entries()) await attack(definition, field, `#${i}`, method, base(), bodyOf(definition, field, value));
        for (const [i, value] of HOSTILE_STRINGS.entries()) await attack(definition, field, `[#${i}]`, method, base(), bodyOf(definition, field, [value]));
      }
      if (definition.parameters.body) {
        for (const [i, body] of HOSTILE_BODIES.entries()) await attack(definition, 'body', `#${i}`, method, base(), body);
      }
      for (const name of ['$filter', '__proto__', 'constructor', 'code2', 'x'.repeat(3_000), 'ci%00ty']) {
        await attack(definition, 'unknown', name, method, `${base()}?${queryOf(definition, undefined, '')}&${encodeURIComponent(name)}=1`);
      }
    }
    expect(answers.length).toBeGreaterThan(1_000);

    const pathAttack = (a: (typeof answers)[number]) => routes.some((d) => a.name.startsWith(`${d.name} `) && pathParams(d.trigger.route).includes(a.attacked));
    const failures = answers.filter((a) => {
      if (a.status >= 500 || a.status === 401) return true;
      if (a.status < 400) return false;
      // The host itself answers 404 (no body) when a path value makes the path match no route; handlers answer JSON.
      if (a.status === 404 && a.text === '') return !pathAttack(a);
      let body: { parameter?: unknown; error?: unknown };
      try {
        body = JSON.parse(a.text) as typeof body;
      } catch {
        return true;
      }
      if (typeof body.error !== 'string') return true;
      // An unknown parameter is named by its own name, a whole body by the field it lacks; the rest by the one
      // attacked, or for a range by either end (a valid `from` after `to` is the pair's fault).
      if (a.attacked === 'unknown' || a.attacked === 'body') return typeof body.parameter !== 'string';
      return !(RELATED[a.attacked] ?? [a.attacked]).includes(String(body.parameter));
    });
    expect(failures.map((f) => `${f.name} → ${f.status} ${f.text.slice(0, 160)}`)).toEqual([]);
    // A query that answered must not have been turned into another city's rows (asking for beta by name is fine).
    const betaAsked = `getAggregates city #${HOSTILE_STRINGS.indexOf('beta-city')}`;
    for (const a of answers.filter((x) => x.name.startsWith('getAggregates') && x.status === 200 && x.name !== betaAsked)) expect(a.text, a.name).not.toContain('beta-city');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await snapshot(api.azuriteConnectionString)).toBe(snapshotBefore);
  }, 600_000);
});

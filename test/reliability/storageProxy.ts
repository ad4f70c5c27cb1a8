// A fault-injecting HTTP proxy in front of Azurite's blob, queue and table endpoints: what Azure Storage does to a
// busy or unlucky client, which Azurite never does. Two faults, rolled per request with a seeded die:
// - serverBusy: answered 503 ServerBusy without reaching Azurite (throttling; nothing happened, retry is safe);
// - lostResponse: forwarded, executed by Azurite, and then the response is replaced by a 500 or a reset connection
//   (the ambiguous failure: the write happened, the client does not know, and its retry repeats it).
// A dequeue (GET …/messages) that loses its response leaves its messages hidden for the host's lease, as on Azure:
// the reliability hosts lease for 20 s (pipelineHarness.ts), so they come back within the test.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { azuriteConnectionString, type RunningAzurite } from '../../local/azurite.ts';
import { dice } from '../../local/dice.ts';

export interface StorageFaults {
  serverBusyRate: number;
  lostResponseRate: number;
  seed: number;
}

export interface StorageProxyStats {
  requests: number;
  serverBusy: number;
  lostResponses: number;
  /** Lost responses by what was lost: `PUT blob`, `POST table`, `DELETE queue`, `dequeue`, … */
  lostByKind: Record<string, number>;
  /** Requests by the same kinds while faults were on, so a count of faults can be set against what was sent. */
  requestsByKind: Record<string, number>;
  /** Lost responses of blob PUTs by container (`raw`, the checkpoints' container, …). */
  lostBlobPutsByContainer: Record<string, number>;
}

export interface StorageProxy {
  connectionString: string;
  stats(): StorageProxyStats;
  /** Replaces the fault rates; `undefined` lets every request through untouched. */
  setFaults(faults: StorageFaults | undefined): void;
  close(): Promise<void>;
}

type Service = 'blob' | 'queue' | 'table';

function errorReply(res: ServerResponse, service: Service, status: number, code: string): void {
  const body = service === 'table'
    ? JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: `${code} (injected by the test proxy)` } } })
    : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code} (injected by the test proxy)</Message></Error>`;
  res.writeHead(status, { 'content-type': service === 'table' ? 'application/json' : 'application/xml', 'x-ms-error-code': code, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startStorageProxy(target: RunningAzurite, initial: StorageFaults | undefined): Promise<StorageProxy> {
  let faults = initial;
  let roll = dice(initial?.seed ?? 1);
  const stats: StorageProxyStats = { requests: 0, serverBusy: 0, lostResponses: 0, lostByKind: {}, requestsByKind: {}, lostBlobPutsByContainer: {} };
  const servers: Server[] = [];

  const listen = async (service: Service, upstream: string): Promise<string> => {
    const to = new URL(upstream);
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      stats.requests++;
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      const dequeue = service === 'queue' && req.method === 'GET' && path.endsWith('/messages');
      const kind = dequeue ? 'dequeue' : `${req.method ?? '?'} ${service}`;
      if (faults) stats.requestsByKind[kind] = (stats.requestsByKind[kind] ?? 0) + 1;
      if (faults && roll() < faults.serverBusyRate) {
        stats.serverBusy++;
        req.resume();
        return errorReply(res, service, 503, 'ServerBusy');
      }
      const lose = faults !== undefined && roll() < faults.lostResponseRate;
      const upstreamReq = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (upstreamRes) => {
          if (!lose) {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
            return;
          }
          // Let Azurite finish the request, then tell the client something else.
          upstreamRes.resume();
          upstreamRes.once('end', () => {
            stats.lostResponses++;
            stats.lostByKind[kind] = (stats.lostByKind[kind] ?? 0) + 1;
            if (kind === 'PUT blob') {
              const container = decodeURIComponent(path.split('/')[2] ?? '');
              stats.lostBlobPutsByContainer[container] = (stats.lostBlobPutsByContainer[container] ?? 0) + 1;
            }
            if (stats.lostResponses % 2 === 0) res.socket?.destroy();
            else errorReply(res, service, 500, 'InternalError');
          });
        },
      );
      upstreamReq.once('error', () => (res.headersSent ? res.destroy() : errorReply(res, service, 502, 'ProxyUpstreamError')));
      req.pipe(upstreamReq);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  const [blob, queue, table] = await Promise.all([
    listen('blob', target.blobEndpoint),
    listen('queue', target.queueEndpoint),
    listen('table', target.tableEndpoint),
  ]);
  return {
    connectionString: azuriteConnectionString(blob, queue, table),
    stats: () => ({ ...stats, lostByKind: { ...stats.lostByKind }, requestsByKind: { ...stats.requestsByKind }, lostBlobPutsByContainer: { ...stats.lostBlobPutsByContainer } }),
    setFaults(next) {
      faults = next;
      if (next) roll = dice(next.seed);
    },
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      })));
    },
  };
}

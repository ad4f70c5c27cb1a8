// An Open-Meteo archive stand-in: a real HTTP server on GET /v1/archive with the real query contract, serving
// the recorded data (or synthetic data, marked as such), with switches for the failures the real API and networks
// produce.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { requestWeight } from '../../functions/core/weather/requestWeight.ts';
import { parseArchiveQuery } from './archiveQuery.ts';
import { archiveBody, isRecorded, toWire } from './archiveBody.ts';
import { loadRecordedCells, type RecordedCells } from './recordedCells.ts';
import { dice } from '../dice.ts';

export type Fault = '429' | '5xx' | 'hang' | 'truncate';

export interface StandInOptions {
  port?: number;
  host?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Share (0..1) of calls answered 429 with `Retry-After: retryAfterSeconds`. */
  rate429?: number;
  retryAfterSeconds?: number;
  /** Share of calls answered 500/502/503. */
  rate5xx?: number;
  /** Share of calls that never get an answer (the client's timeout must fire). */
  hangRate?: number;
  /** Share of calls whose body stops half-way (the socket is cut). */
  truncateRate?: number;
  /** Pause between the body's 8 chunks. */
  slowBodyMs?: number;
  /** Answer null for the last N days of every range (ERA5's lag). */
  nullTrailingDays?: number;
  /** Enforce a weighted limit per fixed window (default a minute), answering the real 429 past it. */
  limitPerWindow?: number;
  limitWindowMs?: number;
  /** Enforce Open-Meteo's three fixed UTC windows, each 429 naming its window as the real API does. */
  limits?: { perMinute?: number; perHour?: number; perDay?: number };
  /** Last day the archive has; later dates get the real 400. Default: yesterday (UTC). */
  availableUntil?: string;
  /** Seed for the fault dice, so a run can be replayed. */
  seed?: number;
  recorded?: RecordedCells;
  /**
   * Make up data for locations or ranges the recording does not cover (default true; each such body carries
   * `"synthetic": true`). false answers those with a 400 naming the location, as a user's offline run must not
   * pass invented temperatures off as weather.
   */
  synthetic?: boolean;
}

export interface StandInStats {
  calls: number;
  weight: number;
  served: number;
  rateLimited: number;
  limitExceeded: number;
  serverErrors: number;
  hangs: number;
  truncated: number;
  badRequests: number;
  /** Locations answered with synthetic data. */
  synthetic: number;
  /** Every valid archive call: arrival time, weight, status (0 = hung). */
  log: { at: number; weight: number; status: number }[];
}

export interface RunningStandIn {
  url: string;
  stats(): StandInStats;
  /** Queues faults for the next calls, in order, ahead of the random switches. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startOpenMeteoStandIn(options: StandInOptions = {}): Promise<RunningStandIn> {
  const recorded = options.recorded ?? loadRecordedCells();
  const random = dice(options.seed ?? 1);
  const queued: Fault[] = [];
  const MINUTELY = 'Minutely API request limit exceeded. Please try again in one minute.';
  const enforced = [
    ...(options.limitPerWindow !== undefined ? [{ windowMs: options.limitWindowMs ?? 60_000, limit: options.limitPerWindow, reason: MINUTELY }] : []),
    ...(options.limits?.perMinute !== undefined ? [{ windowMs: 60_000, limit: options.limits.perMinute, reason: MINUTELY }] : []),
    ...(options.limits?.perHour !== undefined ? [{ windowMs: 3_600_000, limit: options.limits.perHour, reason: 'Hourly API request limit exceeded. Please try again in the next hour.' }] : []),
    ...(options.limits?.perDay !== undefined ? [{ windowMs: 86_400_000, limit: options.limits.perDay, reason: 'Daily API request limit exceeded. Please try again tomorrow.' }] : []),
  ].map((window) => ({ ...window, used: new Map<number, number>() }));
  const sockets = new Set<Socket>();
  const stats: StandInStats = { calls: 0, weight: 0, served: 0, rateLimited: 0, limitExceeded: 0, serverErrors: 0, hangs: 0, truncated: 0, badRequests: 0, synthetic: 0, log: [] };

  function pickFault(): Fault | undefined {
    const next = queued.shift();
    if (next) return next;
    const roll = (rate: number | undefined, fault: Fault) => (rate && random() < rate ? fault : undefined);
    return roll(options.rate429, '429') ?? roll(options.rate5xx, '5xx') ?? roll(options.hangRate, 'hang') ?? roll(options.truncateRate, 'truncate');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method !== 'GET' || url.pathname !== '/v1/archive') return json(res, 404, { error: true, reason: 'Not Found' });
    const until = options.availableUntil ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const query = parseArchiveQuery(url.searchParams, until);
    if ('reason' in query) {
      stats.badRequests++;
      return json(res, 400, { error: true, reason: query.reason });
    }
    if (options.synthetic === false) {
      const missing = query.locations.find((location) => !isRecorded(recorded, location, query));
      if (missing) {
        stats.badRequests++;
        return json(res, 400, { error: true, reason: `The recording has no data for latitude ${missing.lat}, longitude ${missing.lng} from ${query.start} to ${query.end}; this stand-in makes up data only when asked to (--synthetic)` });
      }
    }
    const at = Date.now();
    const days = (Date.parse(query.end) - Date.parse(query.start)) / 86_400_000 + 1;
    const weight = requestWeight(days, 1, query.locations.length);
    const entry = { at, weight, status: 0 };
    stats.calls++;
    stats.weight += weight;
    stats.log.push(entry);
    if (options.latencyMs) await sleep(options.latencyMs);

    // Counted at arrival, in fixed windows from the epoch (UTC minutes, hours, days); refused calls count nothing.
    const full = enforced.find((w) => (w.used.get(Math.floor(at / w.windowMs)) ?? 0) + weight > w.limit + 1e-9);
    if (full) {
      stats.limitExceeded++;
      stats.rateLimited++;
      entry.status = 429;
      const retryAfter = Math.max(1, Math.ceil(((Math.floor(at / full.windowMs) + 1) * full.windowMs - Date.now()) / 1000));
      return json(res, 429, { error: true, reason: full.reason }, { 'retry-after': String(retryAfter) });
    }
    for (const w of enforced) w.used.set(Math.floor(at / w.windowMs), (w.used.get(Math.floor(at / w.windowMs)) ?? 0) + weight);

    const fault = pickFault();
    if (fault === '429') {
      stats.rateLimited++;
      entry.status = 429;
      return json(res, 429, { error: true, reason: 'Too many concurrent requests' }, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
    }
    if (fault === '5xx') {
      stats.serverErrors++;
      entry.status = [500, 502, 503][stats.serverErrors % 3]!;
      return json(res, entry.status, { error: true, reason: 'Internal Server Error' });
    }
    if (fault === 'hang') {
      stats.hangs++;
      return; // never answered; close() destroys the socket
    }

    const bodies = query.locations.map((location) => archiveBody(recorded, location, query, options.nullTrailingDays ?? 0));
    stats.synthetic += bodies.filter((b) => b.synthetic).length;
    const text = toWire(bodies);
    const body = Buffer.from(text, 'utf8');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    if (fault === 'truncate') {
      stats.truncated++;
      entry.status = 200;
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      await sleep(5);
      res.socket?.destroy();
      return;
    }
    const chunk = Math.ceil(body.length / 8);
    for (let offset = 0; offset < body.length; offset += chunk) {
      if (options.slowBodyMs && offset > 0) await sleep(options.slowBodyMs);
      if (res.destroyed) return;
      res.write(body.subarray(offset, offset + chunk));
    }
    res.end();
    stats.served++;
    entry.status = 200;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: true, reason: String(error) });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/v1/archive`,
    stats: () => ({ ...stats, log: [...stats.log] }),
    inject: (...faults) => void queued.push(...faults),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

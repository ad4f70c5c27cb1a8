// HTTP triggers on `http://localhost:<port>/api/<route>`: route templates, auth levels, an HttpRequest from
// @azure/functions in, an HttpResponseInit (or HttpResponse) written back, streamed bodies included.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import functions from '@azure/functions';
import type { Cookie, HttpResponseInit } from '@azure/functions';
import type { HttpHandler } from '../../functions/app/definition.ts';
import { isAuthorized, type AuthLevel, type HostKeys } from './httpAuth.ts';
import { compileRoute, type CompiledRoute } from './httpRoutes.ts';
import type { InvocationTracker } from './invocations.ts';
import { redactUrl } from './redact.ts';

const { HttpRequest, HttpResponse } = functions;


/**
 * Trigger metadata carries one string per query name, repeated values joined with commas as the host does
 * (ASP.NET's StringValues). The request itself keeps them apart: with HTTP streams (functions/index.ts) the worker
 * reads the query from the forwarded URL, so `request.query.getAll('city')` sees both values of `?city=a&city=b`.
 */
export function queryOf(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of new Set(params.keys())) query[name] = params.getAll(name).join(',');
  return query;
}

export interface HttpRoute {
  functionName: string;
  route: string;
  methods: readonly string[];
  authLevel: AuthLevel;
  handler: HttpHandler;
}

export interface RunningHttpServer {
  url: string;
  stop(): Promise<void>;
}

export interface HttpServerOptions {
  routes: readonly HttpRoute[];
  port: number;
  keys: HostKeys;
  tracker: InvocationTracker;
  /** `POST /admin/functions/<name>` with the master key runs a non-HTTP function, as Core Tools allows. */
  runFunction(name: string): Promise<void> | undefined;
  /** Largest request body read (default 1 MiB; the app's own routes take far less and check their own caps). */
  maxBodyBytes?: number;
  /** A request whose headers and body have not arrived after this long gets 408 (default 30 s). */
  requestTimeoutMs?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function cookieHeader(cookie: Cookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

/** Refuses a declared length over the cap before reading, and stops reading a body at the cap. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** 413 as JSON naming the body; the connection closes, so the unread rest of the body is never taken in. */
function tooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  const text = JSON.stringify({ error: `body must be at most ${maxBytes.toLocaleString('en-US')} bytes`, parameter: 'body' });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text, () => req.destroy());
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function writeResponse(res: ServerResponse, result: HttpResponseInit | InstanceType<typeof HttpResponse> | undefined): Promise<void> {
  // The library's own HttpResponse turns an init (jsonBody, string, bytes, streams, iterables) into a web Response.
  const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies.map(cookieHeader));
  const body = response.body as WebReadableStream | null;
  if (!body) return void res.end();
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(body).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { keys, tracker } = options;
  const routes: { route: HttpRoute; compiled: CompiledRoute }[] = options.routes.map((route) => ({ route, compiled: compileRoute(route.route) }));
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const presented = req.headers['x-functions-key']?.toString() ?? url.searchParams.get('code') ?? undefined;
    const method = (req.method ?? 'GET').toUpperCase();
    const admin = /^\/admin\/functions\/([^/]+)\/?$/.exec(url.pathname);
    if (admin && method === 'POST') {
      if (!isAuthorized('admin', presented, keys)) return void res.writeHead(401).end();
      const started = options.runFunction(decodeURIComponent(admin[1] ?? ''));
      if (!started) return void res.writeHead(404).end();
      started.catch(() => undefined); // failures are logged by the invocation
      return void res.writeHead(202).end();
    }
    if (!url.pathname.toLowerCase().startsWith('/api/')) return void res.writeHead(404).end();
    const path = url.pathname.slice('/api/'.length);
    const found = routes
      .map(({ route, compiled }) => ({ route, params: compiled.match(path) }))
      .find((r) => r.params && r.route.methods.some((m) => m.toUpperCase() === method));
    if (!found?.params) return void res.writeHead(404).end();
    if (!isAuthorized(found.route.authLevel, presented, keys)) return void res.writeHead(401).end();
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let body: Buffer | undefined;
    try {
      body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge(req, res, maxBodyBytes);
      throw error;
    }
    const query = queryOf(url.searchParams);
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: headersOf(req),
      params: found.params,
      ...(body && body.length > 0 ? { body: { bytes: body } } : {}),
    });
    const context = tracker.context(found.route.functionName, { params: found.params, query });
    const outcome = await tracker.invoke(found.route.functionName, context, () => found.route.handler(request, context));
    // An unhandled error is a 500 with no detail, as in Azure.
    if (!outcome.ok) return void res.writeHead(500).end();
    await writeResponse(res, outcome.value as HttpResponseInit | undefined);
  };

  // A client that trickles its headers or body in is cut off with 408 (checked a few times per timeout).
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const timeouts = { requestTimeout, headersTimeout: Math.min(60_000, requestTimeout), connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4))) };
  const server = createServer(timeouts, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The one place a request URL is logged: `?code=<key>` must not reach the log.
      tracker.log('error', `HTTP ${req.method} ${redactUrl(req.url)} failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: `${baseUrl}/api`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The official emulator's health endpoint (GET /health on port 5300): 200 {"status":"healthy",…} once the emulator
// accepts connections on every protocol it serves, 503 {"status":"unhealthy",…} before that (while starting) and after.
// "Ready" is checked, not assumed: each listed port must accept a TCP connection.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export const DEFAULT_HEALTH_PORT = 5300;

const HEALTHY = { status: 'healthy', message: 'Service is healthy.' };
const UNHEALTHY = { status: 'unhealthy', message: 'Service not available. Please try after some time.' };

function accepts(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface HealthTarget {
  /** The ports that must accept connections (AMQP, Kafka), or undefined while the emulator is not started. */
  ports(): number[] | undefined;
  host: string;
}

export interface RunningHealth {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startHealthEndpoint(options: { port: number; host: string; target: HealthTarget }): Promise<RunningHealth> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/health') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found: GET /health' }));
      return;
    }
    const ports = options.target.ports();
    const probe = ports === undefined ? Promise.resolve([false]) : Promise.all(ports.map((p) => accepts(options.target.host, p)));
    void probe.then((results) => {
      const healthy = results.every(Boolean);
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(healthy ? HEALTHY : UNHEALTHY));
    });
  });
  server.listen({ port: options.port, host: options.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/health`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

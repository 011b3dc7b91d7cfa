import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { HealthReport } from './health.ts';
import { MAX_CLIENTS, type LivePage } from './live-page.ts';
import { LIVE_PAGE_HTML } from './live-page-html.ts';
import { brandedError, brandGuard } from '../common/branded-error.ts';

/** The metrics endpoint could not listen (address in use, not an address of this machine): refused at start. */
export class MetricsServeError extends brandedError('MetricsServeError', [], (host: string, port: number, cause: Error) => [
  `cannot serve metrics on ${host}:${port}: ${cause.message}`,
  { cause },
]) {}

export const isMetricsServeError = brandGuard<MetricsServeError>('isMetricsServeError');

/** What the endpoint serves. */
export interface EndpointContent {
  readonly registry: Registry;
  readonly health: { check(): HealthReport };
  /** The live page's data stream: `GET /` serves the page, `GET /events` the stream. */
  readonly live: LivePage;
}

/** A listening endpoint. Valid until close(). */
export interface HttpEndpoint {
  /** The address it is bound to. */
  readonly host: string;
  /** The port it listens on: the one the system picked when asked for 0. */
  readonly port: number;
  /** `http://host:port`, the base of /metrics and /healthz. */
  readonly baseUrl: string;
  /** Stops listening and drops open connections (a scraper's keep-alive). */
  close(): Promise<void>;
}

/** A slow or stuck client costs at most this long and this many sockets. */
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 32;

/**
 * Serves, read-only, over plain HTTP: `GET /metrics` (Prometheus text format), `GET /healthz`
 * (200 with a JSON HealthReport when healthy, 503 with the reason otherwise), and the live page:
 * `GET /` and its Server-Sent Events stream `GET /events`. Other paths answer
 * 404, other methods 405. Rejects with MetricsServeError when it cannot listen.
 */
export async function listenHttp(host: string, port: number, content: EndpointContent): Promise<HttpEndpoint> {
  const server = createServer((request, response) => void respond(request, response, content));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new MetricsServeError(host, port, error)));
    server.listen({ host, port }, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    host,
    port: actualPort,
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, content: EndpointContent): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    return;
  }
  const path = (request.url ?? '/').split('?')[0];
  switch (path) {
    case '/metrics': {
      let text: string;
      try {
        text = await content.registry.metrics();
      } catch (error) {
        send(response, 500, 'text/plain; charset=utf-8', `metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return;
      }
      send(response, 200, content.registry.contentType, text);
      return;
    }
    case '/':
      send(response, 200, 'text/html; charset=utf-8', LIVE_PAGE_HTML);
      return;
    case '/events':
      if (!content.live.attach(response))
        send(response, 503, 'text/plain; charset=utf-8', `at most ${MAX_CLIENTS} live pages at once; close one\n`, { 'Retry-After': '10' });
      return;
    case '/healthz': {
      const report = content.health.check();
      send(response, report.status === 'ok' ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
      return;
    }
    default:
      send(response, 404, 'text/plain; charset=utf-8', 'not found: try /, /metrics or /healthz\n');
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  response.end(body);
}

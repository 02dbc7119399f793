import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/** The only path the metrics listener serves. */
export const METRICS_PATH = '/metrics';

/** Registries that have Node's process metrics already (prom-client's observers are never removed). */
const withProcessMetrics = new WeakSet<Registry>();

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the registry in Prometheus' text format at `GET /metrics` on a listener of its own
 * (no session: it is meant for a scraper on the cluster network, apart from the API's port);
 * every other path is 404. Adds prom-client's Node process metrics (`process_*`, `nodejs_*`) to
 * the registry on the first start. `port` 0 takes a free port (tests). Rejects with the
 * listen error (`EADDRINUSE`: the port is taken).
 */
export async function startMetricsListener(options: {
  registry: Registry;
  host: string;
  port: number;
  /** Told when collecting the metrics failed (the scrape gets a 500). */
  onError?: (error: unknown) => void;
}): Promise<MetricsListener> {
  const { registry } = options;
  if (!withProcessMetrics.has(registry)) {
    collectDefaultMetrics({ register: registry });
    withProcessMetrics.add(registry);
  }
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://metrics.invalid');
    if (pathname !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`not found: the metrics are at ${METRICS_PATH}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.onError?.(error);
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('collecting the metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${METRICS_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

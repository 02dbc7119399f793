import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { CLIENT_CLOSED_STATUS, type Metrics, UNMATCHED_ROUTE } from './metrics.ts';

/**
 * Observes every request into `slipway_http_request_duration_seconds` when its response is
 * sent (`finish`) or its connection closed (`close`), whichever comes first: ordinary responses, hijacked event streams when
 * they end, and requests whose client went away (status 499 if nothing was sent). The route is
 * Fastify's route template (`/api/v1/workspaces/:workspace`), never the raw URL; requests that
 * matched no route share one `unmatched` label, as do the few requests Fastify refuses before
 * routing. Register it first, so it times every hook.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Pick<Metrics, 'httpRequest'>): void {
  const hooked = new WeakSet<IncomingMessage>();
  app.addHook('onRequest', (request, reply, done) => {
    hooked.add(request.raw);
    const began = performance.now();
    let observed = false;
    const observe = () => {
      if (observed) return;
      observed = true;
      const status = reply.raw.headersSent ? reply.raw.statusCode : CLIENT_CLOSED_STATUS;
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      metrics.httpRequest(request.method, route, status, (performance.now() - began) / 1000);
    };
    // `finish`: the response was sent (also in `inject`); `close` alone: the client went away.
    reply.raw.once('finish', observe);
    reply.raw.once('close', observe);
    done();
  });
  // What Fastify answers before any hook runs (a malformed percent-encoding: 400; a path
  // parameter over `maxParamLength`: 414) is observed at the HTTP server, as unmatched.
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const began = performance.now();
    response.once('close', () => {
      if (hooked.has(request)) return;
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED_STATUS;
      metrics.httpRequest(
        request.method ?? 'GET',
        UNMATCHED_ROUTE,
        status,
        (performance.now() - began) / 1000,
      );
    });
  });
}

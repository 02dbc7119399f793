import type { FastifyInstance } from 'fastify';
import { CLIENT_CLOSED_STATUS, type Metrics, UNMATCHED_ROUTE } from './metrics.ts';

/**
 * Observes every request into `slipway_http_request_duration_seconds` when its response is
 * sent (`finish`) or its connection closed (`close`), whichever comes first: ordinary responses, hijacked event streams when
 * they end, and requests whose client went away (status 499 if nothing was sent). The route is
 * Fastify's route template (`/api/v1/workspaces/:workspace`), never the raw URL; requests that
 * matched no route share one `unmatched` label. Register it first, so it times every hook.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Pick<Metrics, 'httpRequest'>): void {
  app.addHook('onRequest', (request, reply, done) => {
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
}

import { clusterEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ClustersService } from './clusters.service.ts';

export function registerClusterRoutes(app: FastifyInstance, deps: { clusters: ClustersService }): void {
  const { clusters } = deps;
  registerEndpoint(app, clusterEndpoints.list, (request) => clusters.list(actorOf(request), request.query));
  registerEndpoint(app, clusterEndpoints.create, (request) =>
    clusters.create(actorOf(request), request.body),
  );
  registerEndpoint(app, clusterEndpoints.get, (request) =>
    clusters.get(actorOf(request), request.params.cluster),
  );
  registerEndpoint(app, clusterEndpoints.update, (request) =>
    clusters.update(actorOf(request), request.params.cluster, request.body),
  );
  registerEndpoint(app, clusterEndpoints.delete, (request) =>
    clusters.delete(actorOf(request), request.params.cluster, {
      cancelRuns: request.query.cancelRuns ?? false,
      requestId: request.id,
    }),
  );
  registerEndpoint(app, clusterEndpoints.check, (request) =>
    clusters.check(actorOf(request), request.params.cluster),
  );
}

import { environmentEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { EnvironmentsService } from './environments.service.ts';

export function registerEnvironmentRoutes(
  app: FastifyInstance,
  deps: { environments: EnvironmentsService },
): void {
  const { environments } = deps;
  registerEndpoint(app, environmentEndpoints.list, (request) =>
    environments.list(actorOf(request), request.params.workspace),
  );
  registerEndpoint(app, environmentEndpoints.create, (request) =>
    environments.create(actorOf(request), request.params.workspace, request.body),
  );
  registerEndpoint(app, environmentEndpoints.get, (request) =>
    environments.get(actorOf(request), request.params.workspace, request.params.environment),
  );
  registerEndpoint(app, environmentEndpoints.update, (request) =>
    environments.update(
      actorOf(request),
      request.params.workspace,
      request.params.environment,
      request.body,
      {
        cancelRuns: request.query.cancelRuns ?? false,
        requestId: request.id,
      },
    ),
  );
  registerEndpoint(app, environmentEndpoints.delete, (request) =>
    environments.delete(actorOf(request), request.params.workspace, request.params.environment, {
      deleteNamespace: request.query.deleteNamespace ?? false,
      cancelRuns: request.query.cancelRuns ?? false,
      requestId: request.id,
    }),
  );
  registerEndpoint(app, environmentEndpoints.workloads, (request) =>
    environments.workloads(actorOf(request), request.params.workspace, request.params.environment),
  );
}

import { releaseEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ReleasesService } from './releases.service.ts';

/** Every route of `releaseEndpoints` (contracts). */
export function registerReleaseRoutes(app: FastifyInstance, deps: { releases: ReleasesService }): void {
  const { releases } = deps;
  registerEndpoint(app, releaseEndpoints.list, (request) =>
    releases.list(actorOf(request), request.params.workspace, request.params.project, request.query),
  );
  registerEndpoint(app, releaseEndpoints.get, (request) =>
    releases.get(actorOf(request), request.params.workspace, request.params.project, request.params.number),
  );
  registerEndpoint(app, releaseEndpoints.objects, (request) =>
    releases.objects(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
    ),
  );
  registerEndpoint(app, releaseEndpoints.log, (request) =>
    releases.log(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
      request.query.after,
    ),
  );
  registerEndpoint(app, releaseEndpoints.diff, (request) =>
    releases.diff(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
      request.query.to,
    ),
  );
  registerEndpoint(app, releaseEndpoints.rollback, (request) =>
    releases.rollback(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
    ),
  );
  registerEndpoint(app, releaseEndpoints.environmentList, (request) =>
    releases.environmentList(
      actorOf(request),
      request.params.workspace,
      request.params.environment,
      request.query,
    ),
  );
  registerEndpoint(app, releaseEndpoints.environmentLive, (request) =>
    releases.environmentLive(actorOf(request), request.params.workspace, request.params.environment),
  );
}

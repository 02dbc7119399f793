import { releaseEndpoints } from '@slipway/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ReleasesService } from './releases.service.ts';

/** The `Idempotency-Key` header of a request that creates a release (validated by its contract). */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Every route of `releaseEndpoints` (contracts) but promotion's (promotion.routes.ts). */
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
      { idempotencyKey: idempotencyKeyOf(request) },
    ),
  );
  registerEndpoint(app, releaseEndpoints.breakFreeze, (request) =>
    releases.breakFreeze(
      actorOf(request),
      request.params.workspace,
      request.params.project,
      request.params.number,
      request.body,
    ),
  );
  registerEndpoint(app, releaseEndpoints.environmentQueue, (request) =>
    releases.environmentQueue(actorOf(request), request.params.workspace, request.params.environment),
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

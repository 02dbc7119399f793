import { configEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ConfigService } from './config.service.ts';

/** The routes of `configEndpoints`: a project's config sets and their versions per environment. */
export function registerConfigRoutes(app: FastifyInstance, deps: { config: ConfigService }): void {
  const { config } = deps;
  const e = configEndpoints;
  registerEndpoint(app, e.list, (r) => config.list(actorOf(r), r.params.workspace, r.params.project));
  registerEndpoint(app, e.create, (r) =>
    config.create(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, e.get, (r) =>
    config.get(actorOf(r), r.params.workspace, r.params.project, r.params.name),
  );
  registerEndpoint(app, e.delete, (r) =>
    config.delete(actorOf(r), r.params.workspace, r.params.project, r.params.name),
  );
  registerEndpoint(app, e.versions, (r) =>
    config.versions(actorOf(r), r.params.workspace, r.params.project, r.params.name, r.params.environment),
  );
  registerEndpoint(app, e.createVersion, (r) =>
    config.createVersion(
      actorOf(r),
      r.params.workspace,
      r.params.project,
      r.params.name,
      r.params.environment,
      r.body,
    ),
  );
  registerEndpoint(app, e.getVersion, (r) =>
    config.getVersion(
      actorOf(r),
      r.params.workspace,
      r.params.project,
      r.params.name,
      r.params.environment,
      r.params.version,
    ),
  );
  registerEndpoint(app, e.diff, (r) =>
    config.diff(
      actorOf(r),
      r.params.workspace,
      r.params.project,
      r.params.name,
      r.params.environment,
      r.query,
    ),
  );
}

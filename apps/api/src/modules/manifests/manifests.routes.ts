import { manifestEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ManifestsService } from './manifests.service.ts';

/** The routes of `manifestEndpoints`: a project's manifest sets and their versions. */
export function registerManifestRoutes(app: FastifyInstance, deps: { manifests: ManifestsService }): void {
  const { manifests } = deps;
  const e = manifestEndpoints;
  registerEndpoint(app, e.list, (r) => manifests.list(actorOf(r), r.params.workspace, r.params.project));
  registerEndpoint(app, e.create, (r) =>
    manifests.create(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, e.validate, (r) =>
    manifests.validate(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, e.get, (r) =>
    manifests.get(actorOf(r), r.params.workspace, r.params.project, r.params.name),
  );
  registerEndpoint(app, e.delete, (r) =>
    manifests.delete(actorOf(r), r.params.workspace, r.params.project, r.params.name),
  );
  registerEndpoint(app, e.versions, (r) =>
    manifests.versions(actorOf(r), r.params.workspace, r.params.project, r.params.name),
  );
  registerEndpoint(app, e.createVersion, (r) =>
    manifests.createVersion(actorOf(r), r.params.workspace, r.params.project, r.params.name, r.body),
  );
  registerEndpoint(app, e.getVersion, (r) =>
    manifests.getVersion(actorOf(r), r.params.workspace, r.params.project, r.params.name, r.params.version),
  );
}

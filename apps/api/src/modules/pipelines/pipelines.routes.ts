import { pipelineEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { PipelinesService } from './pipelines.service.ts';

export function registerPipelineRoutes(app: FastifyInstance, deps: { pipelines: PipelinesService }): void {
  const { pipelines } = deps;
  const e = pipelineEndpoints;
  registerEndpoint(app, e.schema, async () => pipelines.jsonSchema());
  registerEndpoint(app, e.list, (r) => pipelines.list(actorOf(r), r.params.workspace, r.params.project));
  registerEndpoint(app, e.create, (r) =>
    pipelines.create(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, e.validate, (r) =>
    pipelines.validate(actorOf(r), r.params.workspace, r.params.project, r.body.spec),
  );
  registerEndpoint(app, e.get, (r) =>
    pipelines.get(actorOf(r), r.params.workspace, r.params.project, r.params.pipeline),
  );
  registerEndpoint(app, e.update, (r) =>
    pipelines.update(actorOf(r), r.params.workspace, r.params.project, r.params.pipeline, r.body),
  );
  registerEndpoint(app, e.delete, (r) =>
    pipelines.delete(actorOf(r), r.params.workspace, r.params.project, r.params.pipeline),
  );
  registerEndpoint(app, e.revisions, (r) =>
    pipelines.revisions(actorOf(r), r.params.workspace, r.params.project, r.params.pipeline),
  );
  registerEndpoint(app, e.revision, (r) =>
    pipelines.revision(actorOf(r), r.params.workspace, r.params.project, r.params.pipeline, r.params.number),
  );
  registerEndpoint(app, e.restoreRevision, (r) => {
    const { workspace, project, pipeline, number } = r.params;
    return pipelines.restore(actorOf(r), workspace, project, pipeline, number, r.body);
  });
}

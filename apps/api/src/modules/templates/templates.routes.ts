import { templateEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { TemplatesService } from './templates.service.ts';

export function registerTemplateRoutes(app: FastifyInstance, deps: { templates: TemplatesService }): void {
  const { templates } = deps;
  const e = templateEndpoints;
  registerEndpoint(app, e.list, (r) => templates.list(actorOf(r), r.params.workspace));
  registerEndpoint(app, e.create, (r) => templates.create(actorOf(r), r.params.workspace, r.body));
  registerEndpoint(app, e.get, (r) => templates.get(actorOf(r), r.params.workspace, r.params.template));
  registerEndpoint(app, e.publish, (r) =>
    templates.publish(actorOf(r), r.params.workspace, r.params.template, r.body.spec),
  );
  registerEndpoint(app, e.version, (r) =>
    templates.version(actorOf(r), r.params.workspace, r.params.template, r.params.number),
  );
}

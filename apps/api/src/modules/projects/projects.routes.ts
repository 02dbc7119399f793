import { projectEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { ProjectImportService } from './project-import.service.ts';
import type { ProjectsService } from './projects.service.ts';

export function registerProjectRoutes(
  app: FastifyInstance,
  deps: { projects: ProjectsService; projectImport: ProjectImportService },
): void {
  const { projects, projectImport } = deps;
  registerEndpoint(app, projectEndpoints.list, (request) =>
    projects.list(actorOf(request), request.params.workspace, request.query),
  );
  registerEndpoint(app, projectEndpoints.create, (request) =>
    projectImport.create(actorOf(request), request.params.workspace, request.body),
  );
  registerEndpoint(app, projectEndpoints.get, (request) =>
    projects.get(actorOf(request), request.params.workspace, request.params.project),
  );
  registerEndpoint(app, projectEndpoints.update, (request) =>
    projects.update(actorOf(request), request.params.workspace, request.params.project, request.body),
  );
  registerEndpoint(app, projectEndpoints.delete, (request) =>
    projects.delete(actorOf(request), request.params.workspace, request.params.project, {
      cancelRuns: request.query.cancelRuns ?? false,
      requestId: request.id,
    }),
  );
}

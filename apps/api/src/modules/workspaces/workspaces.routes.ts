import { workspaceEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { WorkspacesService } from './workspaces.service.ts';

export function registerWorkspaceRoutes(app: FastifyInstance, deps: { workspaces: WorkspacesService }): void {
  const { workspaces } = deps;
  registerEndpoint(app, workspaceEndpoints.list, (request) =>
    workspaces.list(actorOf(request), request.query),
  );
  registerEndpoint(app, workspaceEndpoints.create, (request) =>
    workspaces.create(actorOf(request), request.body),
  );
  registerEndpoint(app, workspaceEndpoints.get, (request) =>
    workspaces.get(actorOf(request), request.params.workspace),
  );
  registerEndpoint(app, workspaceEndpoints.update, (request) =>
    workspaces.update(actorOf(request), request.params.workspace, request.body),
  );
  registerEndpoint(app, workspaceEndpoints.delete, (request) =>
    workspaces.delete(actorOf(request), request.params.workspace),
  );
}

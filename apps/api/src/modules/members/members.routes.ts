import { projectMemberEndpoints, roleEndpoints, workspaceMemberEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { RolesService } from '../roles/roles.service.ts';
import type { MembersService } from './members.service.ts';

export function registerMemberRoutes(
  app: FastifyInstance,
  deps: { members: MembersService; roles: RolesService },
): void {
  const { members, roles } = deps;
  const ws = workspaceMemberEndpoints;
  registerEndpoint(app, ws.list, (r) => members.workspace.list(actorOf(r), r.params.workspace));
  registerEndpoint(app, ws.add, (r) => members.workspace.add(actorOf(r), r.params.workspace, r.body));
  registerEndpoint(app, ws.update, (r) =>
    members.workspace.update(actorOf(r), r.params.workspace, r.params.user, r.body),
  );
  registerEndpoint(app, ws.remove, (r) =>
    members.workspace.remove(actorOf(r), r.params.workspace, r.params.user),
  );

  const pj = projectMemberEndpoints;
  registerEndpoint(app, pj.list, (r) =>
    members.project.list(actorOf(r), r.params.workspace, r.params.project),
  );
  registerEndpoint(app, pj.add, (r) =>
    members.project.add(actorOf(r), r.params.workspace, r.params.project, r.body),
  );
  registerEndpoint(app, pj.update, (r) =>
    members.project.update(actorOf(r), r.params.workspace, r.params.project, r.params.user, r.body),
  );
  registerEndpoint(app, pj.remove, (r) =>
    members.project.remove(actorOf(r), r.params.workspace, r.params.project, r.params.user),
  );

  registerEndpoint(app, roleEndpoints.permissions, async () => roles.catalogue());
  registerEndpoint(app, roleEndpoints.list, (r) => roles.list(actorOf(r), r.params.workspace));
  registerEndpoint(app, roleEndpoints.create, (r) => roles.create(actorOf(r), r.params.workspace, r.body));
  registerEndpoint(app, roleEndpoints.update, (r) =>
    roles.update(actorOf(r), r.params.workspace, r.params.role, r.body),
  );
  registerEndpoint(app, roleEndpoints.delete, (r) =>
    roles.delete(actorOf(r), r.params.workspace, r.params.role),
  );
}

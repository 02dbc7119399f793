import { userEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { UsersService } from './users.service.ts';

export function registerUserRoutes(app: FastifyInstance, deps: { users: UsersService }): void {
  const { users } = deps;
  registerEndpoint(app, userEndpoints.list, (request) => users.list(actorOf(request), request.query));
  registerEndpoint(app, userEndpoints.create, (request) => users.create(actorOf(request), request.body));
  registerEndpoint(app, userEndpoints.get, (request) => users.get(actorOf(request), request.params.username));
  registerEndpoint(app, userEndpoints.update, (request) =>
    users.update(actorOf(request), request.params.username, request.body),
  );
  registerEndpoint(app, userEndpoints.delete, (request) =>
    users.delete(actorOf(request), request.params.username),
  );
  registerEndpoint(app, userEndpoints.acceptInvite, (request) => users.acceptInvite(request.body));
}

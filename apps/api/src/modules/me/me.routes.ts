import { meEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf, sessionIdOf } from '../../plugins/authentication.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { MeService } from './me.service.ts';

export function registerMeRoutes(app: FastifyInstance, deps: { me: MeService; auth: AuthService }): void {
  const { me, auth } = deps;
  registerEndpoint(app, meEndpoints.changePassword, (request) =>
    auth.changePassword(actorOf(request), request.body, sessionIdOf(request)),
  );
  registerEndpoint(app, meEndpoints.permissions, (request) =>
    me.permissions(actorOf(request), request.query),
  );
  registerEndpoint(app, meEndpoints.listSessions, (request) =>
    auth.listSessions(actorOf(request), sessionIdOf(request)),
  );
  registerEndpoint(app, meEndpoints.revokeSession, (request) =>
    auth.revokeSession(actorOf(request), request.params.id),
  );
  registerEndpoint(app, meEndpoints.listTokens, (request) => me.listTokens(actorOf(request)));
  registerEndpoint(app, meEndpoints.createToken, (request) => me.createToken(actorOf(request), request.body));
  registerEndpoint(app, meEndpoints.revokeToken, (request) =>
    me.revokeToken(actorOf(request), request.params.id),
  );
}

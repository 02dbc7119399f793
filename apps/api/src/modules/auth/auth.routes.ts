import { authEndpoints, SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { noteActor } from '../../lib/audit-note.ts';
import { UnauthorizedError } from '../../lib/errors.ts';
import { registerEndpoint } from '../../lib/route.ts';
import { sessionIdOf } from '../../plugins/authentication.ts';
import type { AuthService } from './auth.service.ts';

export function registerAuthRoutes(app: FastifyInstance, deps: { auth: AuthService }): void {
  registerEndpoint(app, authEndpoints.login, async (request, reply) => {
    // The audit entry names who signed in, or on a refusal the username that was tried.
    noteActor({ id: null, name: request.body.username, via: 'password' });
    const { token, info } = await deps.auth.login(request.body, {
      ipAddress: request.ip,
      userAgent: request.headers['user-agent'],
    });
    noteActor({ id: info.user.id, name: info.user.username, via: 'password' });
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      expires: new Date(info.expiresAt ?? Date.now()),
    });
    return info;
  });

  registerEndpoint(app, authEndpoints.logout, async (request, reply) => {
    const sessionId = sessionIdOf(request);
    if (sessionId) await deps.auth.logout(sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });

  registerEndpoint(app, authEndpoints.me, async (request) => {
    if (!request.auth) throw new UnauthorizedError('sign in first: no valid session');
    return request.auth.info;
  });
}

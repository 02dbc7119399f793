import { authEndpoints, SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../../lib/errors.ts';
import { registerEndpoint } from '../../lib/route.ts';
import type { AuthService } from './auth.service.ts';

export function registerAuthRoutes(app: FastifyInstance, deps: { auth: AuthService }): void {
  registerEndpoint(app, authEndpoints.login, async (request, reply) => {
    const { token, info } = await deps.auth.login(request.body, {
      ipAddress: request.ip,
      userAgent: request.headers['user-agent'],
    });
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      expires: new Date(info.expiresAt),
    });
    return info;
  });

  registerEndpoint(app, authEndpoints.logout, async (request, reply) => {
    if (request.authSession) await deps.auth.logout(request.authSession.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });

  registerEndpoint(app, authEndpoints.me, async (request) => {
    if (!request.authSession) throw new UnauthorizedError('sign in first: no valid session');
    return request.authSession.info;
  });
}

import { CSRF_HEADER, SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.ts';
import type { AuthService, ResolvedSession } from '../modules/auth/auth.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    authSession: ResolvedSession | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie on every API route; `session` routes without one get 401,
 * and state-changing requests must echo the session's CSRF token in `x-csrf-token`.
 */
export function registerAuthentication(app: FastifyInstance, deps: { auth: AuthService }): void {
  app.decorateRequest('authSession', null);
  app.addHook('onRequest', async (request) => {
    const mode = request.routeOptions.config.auth;
    if (!mode) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.authSession = await deps.auth.resolveSession(token, request.ip);
    if (mode === 'public') return;
    if (!request.authSession) throw new UnauthorizedError('sign in first: no valid session');
    if (SAFE_METHODS.has(request.method)) return;
    const presented = request.headers[CSRF_HEADER];
    if (!deps.auth.csrfTokenMatches(request.authSession.info.csrfToken, presented?.toString())) {
      throw new ForbiddenError(
        `missing or wrong CSRF token: send the session's csrfToken (from GET /api/v1/me) in the ${CSRF_HEADER} header`,
      );
    }
  });
}

/** The signed-in actor; only valid on `session` routes, which the hook above guards. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.authSession) throw new UnauthorizedError('sign in first: no valid session');
  return request.authSession.actor;
}

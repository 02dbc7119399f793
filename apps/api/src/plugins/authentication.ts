import { CSRF_HEADER, SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.ts';
import type { AuthService, ResolvedSession, ResolvedToken } from '../modules/auth/auth.service.ts';

/** How the current request authenticated: a browser session or a personal API token. */
export type RequestAuth = ({ kind: 'session' } & ResolvedSession) | ({ kind: 'token' } & ResolvedToken);

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/**
 * Resolves the caller on every API route: `Authorization: Bearer <token>` or the session
 * cookie. `session` routes without either get 401. Cookie-authenticated state changes
 * must echo the session's CSRF token in `x-csrf-token`; read-only tokens may only read.
 */
export function registerAuthentication(app: FastifyInstance, deps: { auth: AuthService }): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const mode = request.routeOptions.config.auth;
    if (!mode) return;
    const bearer = bearerToken(request);
    if (bearer) {
      const token = await deps.auth.resolveApiToken(bearer, request.ip);
      if (!token) throw new UnauthorizedError('the API token is unknown, revoked or expired');
      request.auth = { kind: 'token', ...token };
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await deps.auth.resolveSession(cookie, request.ip) : null;
      if (session) request.auth = { kind: 'session', ...session };
    }
    if (mode === 'public') return;
    if (!request.auth) throw new UnauthorizedError('sign in first: no valid session or API token');
    if (SAFE_METHODS.has(request.method)) return;
    if (request.auth.kind === 'token') {
      if (request.auth.scope === 'read') throw new ForbiddenError('this API token is read-only');
      return;
    }
    const presented = request.headers[CSRF_HEADER];
    if (!deps.auth.csrfTokenMatches(request.auth.info.csrfToken, presented?.toString())) {
      throw new ForbiddenError(
        `missing or wrong CSRF token: send the session's csrfToken (from GET /api/v1/me) in the ${CSRF_HEADER} header`,
      );
    }
  });
}

/** The signed-in actor; only valid on `session` routes, which the hook above guards. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.auth) throw new UnauthorizedError('sign in first: no valid session or API token');
  return request.auth.actor;
}

/** The id of the browser session making the request, if it is one. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  return request.auth?.kind === 'session' ? request.auth.sessionId : undefined;
}

import { authEndpoints, ErrorBodySchema, SESSION_COOKIE } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerEndpoint } from '../../lib/route.ts';
import { OIDC_CALLBACK_PATH, OIDC_COOKIE, type OidcService } from './oidc.service.ts';

/** What both redirect routes answer: a 302, or an error body (404 when OIDC is not configured). */
const REDIRECT_RESPONSES = {
  302: z.null().describe('Redirect (Location header)'),
  '4xx': ErrorBodySchema,
  '5xx': ErrorBodySchema,
};

/**
 * The query an OpenID provider returns with (OpenID Connect Core 1.0 §3.1.2.5–6, RFC 9207's
 * `iss`): the service reads them from the URL; other parameters a provider adds pass.
 */
const CallbackQuerySchema = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(4096).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(4096).optional(),
});

/** Browser redirects, not JSON calls: registered as plain public routes. */
export function registerOidcRoutes(app: FastifyInstance, deps: { oidc: OidcService }): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  registerEndpoint(app, authEndpoints.providers, async () => deps.oidc.providers());

  typed.get(
    '/api/v1/auth/oidc/login',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'startOidcSignIn',
        summary: 'Redirect to the OIDC provider (authorization code flow with PKCE)',
        tags: ['auth'],
        querystring: z.strictObject({ next: z.string().max(2048).optional() }),
        response: REDIRECT_RESPONSES,
      },
    },
    async (request, reply) => {
      const origin = `${request.protocol}://${request.host}`;
      const { location, cookie } = await deps.oidc.start(request.query.next ?? '/', origin);
      reply.setCookie(OIDC_COOKIE, cookie, {
        path: '/api/v1/auth/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: 600,
      });
      return reply.redirect(location, 302);
    },
  );

  typed.get(
    OIDC_CALLBACK_PATH,
    {
      // A GET that opens a session: audited like the password sign-in.
      config: { auth: 'public', changesState: true },
      schema: {
        operationId: 'finishOidcSignIn',
        summary: 'Where the OIDC provider returns: opens a session and redirects into the console',
        tags: ['auth'],
        querystring: CallbackQuerySchema,
        response: REDIRECT_RESPONSES,
      },
    },
    async (request, reply) => {
      const url = new URL(request.url, `${request.protocol}://${request.host}`);
      const { token, info, next } = await deps.oidc.finish(url, request.cookies[OIDC_COOKIE], {
        ipAddress: request.ip,
        userAgent: request.headers['user-agent'],
      });
      request.auditNote = { actor: { id: info.user.id, name: info.user.username, via: 'oidc' } };
      reply.clearCookie(OIDC_COOKIE, { path: '/api/v1/auth/oidc' });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        expires: new Date(info.expiresAt ?? Date.now()),
      });
      return reply.redirect(next, 302);
    },
  );
}

import { z } from 'zod';

export const LoginBodySchema = z.strictObject({
  username: z.string().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(1024),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const CurrentUserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  platformAdmin: z.boolean(),
});
export type CurrentUser = z.infer<typeof CurrentUserSchema>;

export const SessionInfoSchema = z.object({
  user: CurrentUserSchema,
  /** Echo this in the `x-csrf-token` header of every state-changing request (empty for API tokens). */
  csrfToken: z.string(),
  expiresAt: z.string().nullable(),
  via: z.enum(['session', 'token']),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const SESSION_COOKIE = 'slipway_session';
export const CSRF_COOKIE = 'slipway_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const SignInProvidersSchema = z.object({
  password: z.boolean(),
  /** Set when single sign-on through OpenID Connect is configured. */
  oidc: z.object({ name: z.string() }).nullable(),
});

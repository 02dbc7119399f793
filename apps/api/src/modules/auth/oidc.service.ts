import * as client from 'openid-client';
import type { OidcConfig } from '../../config.ts';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { AuthService } from './auth.service.ts';
import type { OidcRepo } from './oidc.repo.ts';

export const OIDC_COOKIE = 'slipway_oidc';
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const FLOW_TTL_MS = 10 * 60_000;

interface PendingFlow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  expiresAt: number;
}

/** A claim as a list of strings (IdPs send groups as an array or a single string). */
function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const value = claims[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** IdP usernames become Slipway usernames: lowercase, only the characters Slipway allows. */
export function toUsername(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/@.*$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
}

/**
 * Sign-in through an OpenID Connect provider: authorization code flow with PKCE, state and
 * nonce kept in a sealed short-lived cookie. Users are created on first sign-in and bound
 * to the provider's subject; the admin claim and group mappings apply on every sign-in.
 */
export function createOidcService(deps: {
  config: OidcConfig | undefined;
  publicUrl: string | undefined;
  secrets: SecretBox;
  repo: OidcRepo;
  auth: AuthService;
}) {
  let discovered: Promise<client.Configuration> | undefined;

  function settings(): OidcConfig {
    if (!deps.config) throw new NotFoundError('OIDC sign-in is not configured');
    return deps.config;
  }

  function configuration(): Promise<client.Configuration> {
    const oidc = settings();
    discovered ??= client
      .discovery(
        new URL(oidc.issuer),
        oidc.clientId,
        oidc.clientSecret,
        undefined,
        // Plain-http issuers only make sense on a developer machine or in tests.
        new URL(oidc.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  }

  const redirectUri = (origin: string) => `${deps.publicUrl ?? origin}${OIDC_CALLBACK_PATH}`;

  return {
    providers() {
      return { password: true, oidc: deps.config ? { name: deps.config.name } : null };
    },

    /** Where to send the browser, and the sealed cookie that remembers this attempt. */
    async start(next: string, origin: string): Promise<{ location: string; cookie: string }> {
      const oidc = settings();
      const config = await configuration();
      const flow: PendingFlow = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        next: next.startsWith('/') && !next.startsWith('//') ? next : '/',
        expiresAt: Date.now() + FLOW_TTL_MS,
      };
      const location = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(origin),
        scope: oidc.scopes,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
      });
      return { location: location.href, cookie: deps.secrets.encrypt(JSON.stringify(flow)) };
    },

    /** Completes the flow: checks state, PKCE and nonce, maps the claims, opens a session. */
    async finish(
      callbackUrl: URL,
      sealedFlow: string | undefined,
      clientInfo: { ipAddress: string; userAgent: string | undefined },
    ) {
      const oidc = settings();
      let flow: PendingFlow;
      try {
        flow = JSON.parse(deps.secrets.decrypt(sealedFlow ?? '')) as PendingFlow;
      } catch {
        throw new BadRequestError('this sign-in attempt is unknown or expired; start again');
      }
      if (flow.expiresAt < Date.now()) throw new BadRequestError('this sign-in attempt expired; start again');
      const config = await configuration();
      const publicCallback = new URL(redirectUri(callbackUrl.origin));
      publicCallback.search = callbackUrl.search;
      let claims: Record<string, unknown>;
      try {
        const tokens = await client.authorizationCodeGrant(config, publicCallback, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = { ...(tokens.claims() ?? {}) };
        if (
          !claimValues(claims, oidc.usernameClaim).length ||
          !claimValues(claims, oidc.groupsClaim).length
        ) {
          // Some providers put profile claims in userinfo only.
          const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
          claims = { ...info, ...claims };
        }
      } catch (error) {
        throw new UnauthorizedError(
          `the identity provider did not confirm the sign-in: ${(error as Error).message}`,
        );
      }
      const subject = `${oidc.issuer} ${String(claims.sub)}`;
      const username = toUsername(claimValues(claims, oidc.usernameClaim)[0] ?? String(claims.sub));
      const groups = claimValues(claims, oidc.groupsClaim);
      const platformAdmin = oidc.adminClaim
        ? claimValues(claims, oidc.adminClaim.claim).includes(oidc.adminClaim.value)
        : undefined;
      const profile = {
        displayName: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null,
        email: typeof claims.email === 'string' ? claims.email.slice(0, 320) : null,
      };

      let user = await deps.repo.findBySubject(subject);
      if (!user) {
        if (await deps.repo.findByUsername(username)) {
          throw new UnauthorizedError(
            `a local user named "${username}" already exists; an admin must remove or rename it before "${username}" can sign in with ${oidc.name}`,
          );
        }
        user = await deps.repo.create({
          username,
          oidcSubject: subject,
          platformAdmin: platformAdmin ?? false,
          ...profile,
        });
      } else {
        user = await deps.repo.update(user.id, {
          ...profile,
          ...(platformAdmin !== undefined ? { platformAdmin } : {}),
        });
      }
      if (user.disabled) throw new UnauthorizedError('invalid username or password');
      for (const mapping of oidc.groupRoles) {
        if (groups.includes(mapping.group))
          await deps.repo.grantWorkspaceRole(user.id, mapping.workspace, mapping.role);
      }
      // Profile, admin flag and group roles may have changed.
      await deps.auth.changed({ user: user.id });
      return { ...(await deps.auth.openSession(user, clientInfo)), next: flow.next };
    },
  };
}

export type OidcService = ReturnType<typeof createOidcService>;

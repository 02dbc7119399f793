// A real OpenID provider for tests (oidc-provider on loopback) and a browser-like walk
// through its sign-in: the OIDC tests and the secret-canary test sign in through it.
import type { Server } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider (oidc-provider) on loopback `port` with one confidential client
 * `slipway` (secret `options.clientSecret`, PKCE required) whose one redirect URI is
 * `<options.publicUrl>/api/v1/auth/oidc/callback`; `accountFor()` names the account
 * (a key of `options.accounts`) that signs in and consents at once.
 */
export async function startProvider(
  port: number,
  accountFor: () => string,
  options: { clientSecret: string; publicUrl: string; accounts: Record<string, Record<string, unknown>> },
): Promise<{ issuer: string; server: Server }> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'slipway',
        client_secret: options.clientSecret,
        redirect_uris: [`${options.publicUrl}/api/v1/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, ...options.accounts[sub] }),
    }),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['a-test-cookie-signing-key'] },
  });
  // The "user" at the provider: signs in as the chosen account and consents at once.
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(
        ctx.req,
        ctx.res,
        { login: { accountId: accountFor() } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    const grant = new provider.Grant({
      accountId: String(details.session?.accountId),
      clientId: String(details.params.client_id),
    });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  });
  const server = await new Promise<Server>((resolve) => {
    const s = provider.listen(port, '127.0.0.1', () => resolve(s));
  });
  return { issuer, server };
}

/** Follows the provider's redirects like a browser until it sends us back to Slipway (at `publicUrl`). */
export async function throughProvider(start: string, publicUrl: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  for (let hop = 0; hop < 15; hop++) {
    if (url.href.startsWith(publicUrl)) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      jar.set(pair.slice(0, index), pair.slice(index + 1));
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`provider stopped at ${url.href} with ${response.status}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}

// The full authorization-code + PKCE flow against a real OpenID provider (oidc-provider)
// started here on loopback: users are created on first sign-in, the admin claim and the
// group → workspace-role mappings apply, and a forged or replayed callback is refused.
import type { Server } from 'node:http';
import { SESSION_COOKIE } from '@slipway/contracts';
import { freeLoopbackPort, postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  type TestApp,
  testAppConfig,
} from '../../../test/helper.ts';
import { startProvider, throughProvider } from '../../../test/oidc-provider.ts';
import { buildApp, type SlipwayApp } from '../../app.ts';

const PUBLIC_URL = 'http://slipway.test';
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  'sub-alice': {
    preferred_username: 'Alice',
    name: 'Alice Liddell',
    email: 'alice@example.com',
    groups: ['platform-admins', 'shop-devs'],
  },
  'sub-bob': { preferred_username: 'bob', name: 'Bob', email: 'bob@example.com', groups: [] },
  'sub-clash': { preferred_username: 'local-only', groups: [] },
};

describe.skipIf(postgresSkipReason())('OIDC sign-in', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let oidcApp: SlipwayApp;
  let providerServer: Server;
  let account = 'sub-alice';

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { slug: 'shop', name: 'Shop' },
    });
    await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'local-only', password: 'a-local-password' },
    });
    const { issuer, server } = await startProvider(await freeLoopbackPort(), () => account, {
      clientSecret: 'slipway-client-secret',
      publicUrl: PUBLIC_URL,
      accounts: ACCOUNTS,
    });
    providerServer = server;
    oidcApp = await buildApp({
      db: t.db,
      config: testAppConfig({
        publicUrl: PUBLIC_URL,
        oidc: {
          issuer,
          clientId: 'slipway',
          clientSecret: 'slipway-client-secret',
          name: 'Example SSO',
          scopes: 'openid profile email groups',
          usernameClaim: 'preferred_username',
          groupsClaim: 'groups',
          adminClaim: { claim: 'groups', value: 'platform-admins' },
          groupRoles: [{ group: 'shop-devs', workspace: 'shop', role: 'workspace-member' }],
        },
      }),
    });
  });
  afterAll(async () => {
    await oidcApp?.app.close();
    providerServer?.close();
    await t?.close();
  });

  async function signInWithOidc(): Promise<{
    status: number;
    location?: string;
    session?: string;
    body: string;
  }> {
    const start = await oidcApp.app.inject({
      method: 'GET',
      url: '/api/v1/auth/oidc/login?next=/workspaces/shop',
    });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toBeTruthy();
    const flowCookie = start.cookies.find((c) => c.name === 'slipway_oidc');
    const callback = await throughProvider(authorize.href, PUBLIC_URL);
    const finish = await oidcApp.app.inject({
      method: 'GET',
      url: callback.pathname + callback.search,
      headers: { cookie: `slipway_oidc=${flowCookie?.value}` },
    });
    return {
      status: finish.statusCode,
      ...(finish.headers.location ? { location: String(finish.headers.location) } : {}),
      ...(finish.cookies.find((c) => c.name === SESSION_COOKIE)
        ? { session: finish.cookies.find((c) => c.name === SESSION_COOKIE)?.value }
        : {}),
      body: finish.body,
    };
  }

  it('advertises the provider to the sign-in page', async () => {
    const providers = (await oidcApp.app.inject({ method: 'GET', url: '/api/v1/auth/providers' })).json();
    expect(providers).toEqual({ password: true, oidc: { name: 'Example SSO' } });
  });

  it('creates the user on first sign-in, with the admin claim and group roles applied', async () => {
    account = 'sub-alice';
    const result = await signInWithOidc();
    expect(result.status, result.body).toBe(302);
    expect(result.location).toBe('/workspaces/shop');
    const me = await oidcApp.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `${SESSION_COOKIE}=${result.session}` },
    });
    expect(me.json().user).toMatchObject({
      username: 'alice',
      displayName: 'Alice Liddell',
      email: 'alice@example.com',
      platformAdmin: true,
    });
    const members = (await admin.request({ method: 'GET', url: '/api/v1/workspaces/shop/members' })).json()
      .items;
    expect(members).toContainEqual(expect.objectContaining({ user: 'alice', role: 'workspace-member' }));
    const stored = await t.db.prisma.user.findUniqueOrThrow({ where: { username: 'alice' } });
    expect(stored.passwordHash).toBeNull();
    expect(stored.oidcSubject).toMatch(/ sub-alice$/);

    // A second sign-in finds the same user.
    const again = await signInWithOidc();
    expect(again.status).toBe(302);
    expect(await t.db.prisma.user.count({ where: { username: 'alice' } })).toBe(1);
    // The audit log names who signed in, as for a password sign-in.
    const signIns = await t.db.prisma.auditEvent.findMany({ where: { action: 'finishOidcSignIn' } });
    expect(signIns).toHaveLength(2);
    expect(
      signIns.every((e) => e.actorName === 'alice' && e.actorId === stored.id && e.actorVia === 'oidc'),
    ).toBe(true);
  });

  it('gives no admin rights without the claim', async () => {
    account = 'sub-bob';
    const result = await signInWithOidc();
    const me = await oidcApp.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `${SESSION_COOKIE}=${result.session}` },
    });
    expect(me.json().user).toMatchObject({ username: 'bob', platformAdmin: false });
  });

  it('refuses to take over a local user of the same name', async () => {
    account = 'sub-clash';
    const result = await signInWithOidc();
    expect(result.status).toBe(401);
    expect(result.body).toMatch(/a local user named \\?"local-only\\?" already exists/);
  });

  it('refuses a callback without the flow cookie or with a forged state', async () => {
    const start = await oidcApp.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/login' });
    const flowCookie = start.cookies.find((c) => c.name === 'slipway_oidc')?.value;
    const callback = await throughProvider(String(start.headers.location), PUBLIC_URL);
    const noCookie = await oidcApp.app.inject({ method: 'GET', url: callback.pathname + callback.search });
    expect(noCookie.statusCode).toBe(400);
    const forged = new URLSearchParams(callback.search);
    forged.set('state', 'forged');
    const wrongState = await oidcApp.app.inject({
      method: 'GET',
      url: `${callback.pathname}?${forged}`,
      headers: { cookie: `slipway_oidc=${flowCookie}` },
    });
    expect(wrongState.statusCode).toBe(401);
    expect(wrongState.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
  });
});

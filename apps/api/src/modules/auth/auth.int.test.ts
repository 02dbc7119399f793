import { CSRF_HEADER, SESSION_COOKIE } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, buildTestApp, signIn, type TestApp, testAppConfig } from '../../../test/helper.ts';
import { hashPassword } from './password.ts';

describe.skipIf(postgresSkipReason())('sign-in and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('signs in the bootstrap admin with an httpOnly SameSite=Lax session cookie', async () => {
    const response = await login('admin', ADMIN_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: 'admin', platformAdmin: true });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    expect(JSON.stringify(body)).not.toContain(cookie?.value);
  });

  it('marks the cookie Secure when served over https (behind a trusted proxy)', async () => {
    const { buildApp } = await import('../../app.ts');
    const built = await buildApp({
      db: t.db,
      config: testAppConfig({ trustProxy: true, bodyLimitBytes: 1024 }),
    });
    const response = await built.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(response.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true);
    await built.app.close();
  });

  it('answers a wrong password and an unknown user with the same generic 401', async () => {
    const wrongPassword = await login('admin', 'not-the-password');
    const unknownUser = await login('nobody', 'whatever-password');
    for (const response of [wrongPassword, unknownUser]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'invalid username or password',
      });
      expect(response.cookies).toHaveLength(0);
    }
  });

  it('refuses a disabled user with the same message', async () => {
    await t.db.prisma.user.create({
      data: { username: 'gone', passwordHash: await hashPassword('gone-password-1'), disabled: true },
    });
    const response = await login('gone', 'gone-password-1');
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('invalid username or password');
  });

  it('stores argon2id hashes, never the password', async () => {
    const admin = await t.db.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);
    expect(admin.passwordHash).not.toContain(ADMIN_PASSWORD);
  });

  it('requires a session on every other /api/v1 route', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/workspaces'],
      ['POST', '/api/v1/workspaces'],
      ['GET', '/api/v1/workspaces/x/projects/y'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('rejects state-changing requests without the CSRF token, accepts them with it', async () => {
    const client = await signIn(t.app);
    const withoutToken = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { slug: 'csrf-check', name: 'CSRF' },
      csrf: false,
    });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().message).toMatch(/CSRF token/);
    const wrongToken = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { slug: 'csrf-check', name: 'CSRF' },
      csrf: false,
      headers: { [CSRF_HEADER]: 'forged' },
    });
    expect(wrongToken.statusCode).toBe(403);
    expect(await t.db.prisma.workspace.count({ where: { slug: 'csrf-check' } })).toBe(0);
    const withToken = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces',
      payload: { slug: 'csrf-check', name: 'CSRF' },
    });
    expect(withToken.statusCode).toBe(201);
  });

  it('returns the current user from /me and ends the session on logout', async () => {
    const client = await signIn(t.app);
    const me = await client.request({ method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'admin' }, csrfToken: client.csrfToken });

    const logout = await client.request({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === SESSION_COOKIE)?.value).toBe('');
    const after = await client.request({ method: 'GET', url: '/api/v1/me' });
    expect(after.statusCode).toBe(401);
  });

  it('expires sessions after the absolute lifetime and after idling', async () => {
    const client = await signIn(t.app);
    const tokenHash = (await t.db.prisma.session.findFirstOrThrow({ where: { csrfToken: client.csrfToken } }))
      .tokenHash;
    await t.db.prisma.session.update({
      where: { tokenHash },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect((await client.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(await t.db.prisma.session.count({ where: { tokenHash } })).toBe(0);

    const second = await signIn(t.app);
    await t.db.prisma.session.updateMany({
      where: { csrfToken: second.csrfToken },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await second.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('purges expired and idle sessions, keeping live ones', async () => {
    const live = await signIn(t.app);
    const stale = await signIn(t.app);
    await t.db.prisma.session.updateMany({
      where: { csrfToken: stale.csrfToken },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect(await t.services.auth.purgeExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await t.db.prisma.session.count({ where: { csrfToken: stale.csrfToken } })).toBe(0);
    expect((await live.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });
});

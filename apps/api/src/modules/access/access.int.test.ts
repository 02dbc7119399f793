import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  type TestApp,
  testAppConfig,
} from '../../../test/helper.ts';

const PASSWORD = 'access-test-password';

describe.skipIf(postgresSkipReason())('access control', () => {
  let t: TestApp;
  let admin: SignedInClient;

  const as = (client: SignedInClient) => ({
    get: (url: string, query?: Record<string, string>) =>
      client.request({ method: 'GET', url, ...(query ? { query } : {}) }),
    post: (url: string, payload?: object) =>
      client.request({ method: 'POST', url, ...(payload ? { payload } : {}) }),
    patch: (url: string, payload: object) => client.request({ method: 'PATCH', url, payload }),
    del: (url: string) => client.request({ method: 'DELETE', url }),
  });

  async function user(username: string, workspaceRole?: [string, string]) {
    await as(admin).post('/api/v1/users', { username, password: PASSWORD });
    if (workspaceRole) {
      await as(admin).post(`/api/v1/workspaces/${workspaceRole[0]}/members`, {
        user: username,
        role: workspaceRole[1],
      });
    }
    return signIn(t.app, username, PASSWORD);
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    for (const slug of ['alpha', 'beta']) {
      await as(admin).post('/api/v1/workspaces', { slug, name: slug });
      await as(admin).post(`/api/v1/workspaces/${slug}/projects`, { slug: 'api', name: 'API' });
      await as(admin).post(`/api/v1/workspaces/${slug}/environments`, { name: 'dev' });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps workspaces apart: a full member of alpha gets 404 for everything in beta', async () => {
    const alphaAdmin = as(await user('ann', ['alpha', 'workspace-admin']));
    const list = (await alphaAdmin.get('/api/v1/workspaces')).json();
    expect(list.items.map((w: { slug: string }) => w.slug)).toEqual(['alpha']);
    for (const url of [
      '/api/v1/workspaces/beta',
      '/api/v1/workspaces/beta/projects',
      '/api/v1/workspaces/beta/projects/api',
      '/api/v1/workspaces/beta/environments',
      '/api/v1/workspaces/beta/environments/dev',
      '/api/v1/workspaces/beta/members',
      '/api/v1/workspaces/beta/roles',
      '/api/v1/workspaces/beta/projects/api/members',
    ]) {
      expect((await alphaAdmin.get(url)).statusCode, url).toBe(404);
    }
    expect((await alphaAdmin.patch('/api/v1/workspaces/beta', { name: 'mine' })).statusCode).toBe(404);
    expect((await alphaAdmin.del('/api/v1/workspaces/beta/projects/api')).statusCode).toBe(404);
    expect((await alphaAdmin.get('/api/v1/audit-events', { workspace: 'beta' })).statusCode).toBe(404);
    // By id: another user's token and session.
    const bob = await user('bob', ['beta', 'workspace-member']);
    const bobsToken = (await as(bob).post('/api/v1/me/tokens', { name: 'x', scope: 'read' })).json();
    expect((await alphaAdmin.del(`/api/v1/me/tokens/${bobsToken.id}`)).statusCode).toBe(404);
    const bobsSession = (await as(bob).get('/api/v1/me/sessions')).json().items[0].id;
    expect((await alphaAdmin.del(`/api/v1/me/sessions/${bobsSession}`)).statusCode).toBe(404);
    expect((await as(bob).get('/api/v1/me')).statusCode).toBe(200);
  });

  it('lets a project role raise, never lower, what the workspace role gives', async () => {
    const carl = await user('carl', ['alpha', 'workspace-viewer']);
    expect(
      (await as(carl).patch('/api/v1/workspaces/alpha/projects/api', { description: 'x' })).statusCode,
    ).toBe(403);
    await as(admin).post('/api/v1/workspaces/alpha/projects/api/members', {
      user: 'carl',
      role: 'project-admin',
    });
    expect(
      (await as(carl).patch('/api/v1/workspaces/alpha/projects/api', { description: 'x' })).statusCode,
    ).toBe(200);
    const perms = (
      await as(carl).get('/api/v1/me/permissions', { workspace: 'alpha', project: 'api' })
    ).json();
    expect(perms.workspace).toEqual(['workspace.read']);
    expect(perms.project).toContain('project.members.manage');

    const dora = await user('dora', ['alpha', 'workspace-admin']);
    await as(admin).post('/api/v1/workspaces/alpha/projects/api/members', { user: 'dora', role: 'viewer' });
    expect(
      (await as(dora).patch('/api/v1/workspaces/alpha/projects/api', { description: 'y' })).statusCode,
    ).toBe(200);
  });

  it('shows a project-only member just their projects', async () => {
    await as(admin).post('/api/v1/workspaces/alpha/projects', { slug: 'web', name: 'Web' });
    const erin = await user('erin');
    await as(admin).post('/api/v1/workspaces/alpha/projects/web/members', {
      user: 'erin',
      role: 'developer',
    });
    expect(
      (await as(erin).get('/api/v1/workspaces')).json().items.map((w: { slug: string }) => w.slug),
    ).toEqual(['alpha']);
    const projects = (await as(erin).get('/api/v1/workspaces/alpha/projects')).json();
    expect(projects.items.map((p: { slug: string }) => p.slug)).toEqual(['web']);
    expect((await as(erin).get('/api/v1/workspaces/alpha/projects/api')).statusCode).toBe(404);
    expect(
      (await as(erin).post('/api/v1/workspaces/alpha/projects', { slug: 'new', name: 'New' })).statusCode,
    ).toBe(403);
  });

  it('makes the creator of a project its project-admin when their workspace role would not', async () => {
    const fred = await user('fred', ['alpha', 'workspace-member']);
    expect(
      (await as(fred).post('/api/v1/workspaces/alpha/projects', { slug: 'freds', name: 'Fred’s' }))
        .statusCode,
    ).toBe(201);
    const members = (await as(fred).get('/api/v1/workspaces/alpha/projects/freds/members')).json();
    expect(members.items).toEqual([expect.objectContaining({ user: 'fred', role: 'project-admin' })]);
    expect(
      (await as(fred).patch('/api/v1/workspaces/alpha/projects/freds', { description: 'mine' })).statusCode,
    ).toBe(200);
    expect(
      (await as(fred).patch('/api/v1/workspaces/alpha/projects/api', { description: 'not mine' })).statusCode,
    ).toBe(403);
  });

  it('API tokens: shown once, stored hashed, scoped, limited to a workspace, expiring and revocable', async () => {
    const gina = await user('gina', ['alpha', 'workspace-admin']);
    await as(admin).post('/api/v1/workspaces/beta/members', { user: 'gina', role: 'workspace-admin' });
    const bearer = (token: string, method: 'GET' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });

    const write = (await as(gina).post('/api/v1/me/tokens', { name: 'deploy bot', scope: 'write' })).json();
    expect(write.token).toMatch(/^slw_/);
    const stored = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id: write.id } });
    expect(stored.tokenHash).not.toBe(write.token);
    expect(JSON.stringify((await as(gina).get('/api/v1/me/tokens')).json())).not.toContain(write.token);
    expect(
      (await bearer(write.token, 'PATCH', '/api/v1/workspaces/alpha', { description: 'by token' }))
        .statusCode,
    ).toBe(200);
    // No CSRF for bearer tokens, and last use is recorded.
    const listed = (await as(gina).get('/api/v1/me/tokens'))
      .json()
      .items.find((x: { id: string }) => x.id === write.id);
    expect(listed.lastUsedAt).not.toBeNull();

    const read = (await as(gina).post('/api/v1/me/tokens', { name: 'dashboard', scope: 'read' })).json();
    expect((await bearer(read.token, 'GET', '/api/v1/workspaces/alpha')).statusCode).toBe(200);
    const refused = await bearer(read.token, 'PATCH', '/api/v1/workspaces/alpha', { description: 'nope' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe('this API token is read-only');

    const limited = (
      await as(gina).post('/api/v1/me/tokens', { name: 'alpha only', scope: 'write', workspace: 'alpha' })
    ).json();
    expect((await bearer(limited.token, 'GET', '/api/v1/workspaces/alpha')).statusCode).toBe(200);
    expect((await bearer(limited.token, 'GET', '/api/v1/workspaces/beta')).statusCode).toBe(404);

    const expiring = (
      await as(gina).post('/api/v1/me/tokens', {
        name: 'short',
        scope: 'read',
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      })
    ).json();
    await t.db.prisma.apiToken.update({
      where: { id: expiring.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await bearer(expiring.token, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const past = await as(gina).post('/api/v1/me/tokens', {
      name: 'x',
      scope: 'read',
      expiresAt: '2000-01-01T00:00:00Z',
    });
    expect(past.json().details[0].field).toBe('body.expiresAt');

    expect((await as(gina).del(`/api/v1/me/tokens/${write.id}`)).statusCode).toBe(204);
    expect((await bearer(write.token, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('ends sessions at once when a user is disabled or their password is reset', async () => {
    const hank = await user('hank');
    expect((await as(hank).get('/api/v1/me')).statusCode).toBe(200);
    await as(admin).patch('/api/v1/users/hank', { disabled: true });
    expect((await as(hank).get('/api/v1/me')).statusCode).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'hank', password: PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
    await as(admin).patch('/api/v1/users/hank', { disabled: false });
    const again = await signIn(t.app, 'hank', PASSWORD);
    await as(admin).patch('/api/v1/users/hank', { password: 'a-completely-new-password' });
    expect((await as(again).get('/api/v1/me')).statusCode).toBe(401);
    await signIn(t.app, 'hank', 'a-completely-new-password');
  });

  it('changes one’s own password only with the current one, ending the other sessions', async () => {
    const ivy = await user('ivy');
    const otherDevice = await signIn(t.app, 'ivy', PASSWORD);
    const wrong = await as(ivy).post('/api/v1/me/password', {
      currentPassword: 'nope',
      newPassword: 'another-good-password',
    });
    expect(wrong.json().details).toEqual([{ field: 'body.currentPassword', message: 'wrong password' }]);
    const weak = await as(ivy).post('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'short',
    });
    expect(weak.json().details[0]).toMatchObject({
      field: 'body.newPassword',
      message: expect.stringMatching(/at least 12 characters/),
    });
    const hasName = await as(ivy).post('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'ivy-password-123',
    });
    expect(hasName.statusCode).toBe(400);
    expect(
      (
        await as(ivy).post('/api/v1/me/password', {
          currentPassword: PASSWORD,
          newPassword: 'another-good-password',
        })
      ).statusCode,
    ).toBe(204);
    expect((await as(ivy).get('/api/v1/me')).statusCode).toBe(200);
    expect((await as(otherDevice).get('/api/v1/me')).statusCode).toBe(401);
  });

  it('invites a user with a one-time link', async () => {
    const created = (await as(admin).post('/api/v1/users', { username: 'jill', displayName: 'Jill' })).json();
    expect(created.user.invitePending).toBe(true);
    const token = new URLSearchParams(created.invitePath.split('?')[1]).get('token');
    const accept = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/invite', payload: { token, password } });
    expect((await accept('her-chosen-secret-words')).statusCode).toBe(204);
    expect((await accept('her-chosen-secret-words')).statusCode).toBe(400);
    await signIn(t.app, 'jill', 'her-chosen-secret-words');
  });

  it('protects the last workspace-admin and the last platform admin', async () => {
    await as(admin).post('/api/v1/workspaces', { slug: 'solo', name: 'Solo' });
    const demote = await as(admin).patch('/api/v1/workspaces/solo/members/admin', {
      role: 'workspace-viewer',
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().message).toMatch(/last workspace-admin/);
    expect((await as(admin).del('/api/v1/workspaces/solo/members/admin')).statusCode).toBe(409);
    await as(admin).post('/api/v1/users', { username: 'kim', password: PASSWORD });
    await as(admin).post('/api/v1/workspaces/solo/members', { user: 'kim', role: 'workspace-admin' });
    expect((await as(admin).del('/api/v1/workspaces/solo/members/admin')).statusCode).toBe(204);
    expect((await as(admin).del('/api/v1/users/kim')).json().message).toMatch(/last workspace-admin of solo/);
    expect((await as(admin).patch('/api/v1/users/admin', { platformAdmin: false })).statusCode).toBe(409);
  });

  it('custom roles: built from documented permissions, refused when deleted in use', async () => {
    const catalogue = (await as(admin).get('/api/v1/permissions')).json().items;
    expect(catalogue.every((p: { description: string }) => p.description.length > 0)).toBe(true);
    const bad = await as(admin).post('/api/v1/workspaces/alpha/roles', {
      name: 'release-manager',
      scope: 'project',
      permissions: ['project.read', 'workspace.delete'],
    });
    expect(bad.json().details[0]).toMatchObject({ field: 'body.permissions' });
    const unknown = await as(admin).post('/api/v1/workspaces/alpha/roles', {
      name: 'x',
      scope: 'project',
      permissions: ['do.anything'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(
      (
        await as(admin).post('/api/v1/workspaces/alpha/roles', {
          name: 'developer',
          scope: 'project',
          permissions: ['project.read'],
        })
      ).statusCode,
    ).toBe(409);
    const created = await as(admin).post('/api/v1/workspaces/alpha/roles', {
      name: 'release-manager',
      scope: 'project',
      permissions: ['project.read', 'approval.decide', 'release.rollback'],
    });
    expect(created.statusCode).toBe(201);
    const lee = await user('lee');
    await as(admin).post('/api/v1/workspaces/alpha/projects/api/members', {
      user: 'lee',
      role: 'release-manager',
    });
    const perms = (
      await as(lee).get('/api/v1/me/permissions', { workspace: 'alpha', project: 'api' })
    ).json();
    expect(perms.project.sort()).toEqual(['approval.decide', 'project.read', 'release.rollback']);
    expect(
      (await as(admin).patch('/api/v1/workspaces/alpha/roles/developer', { permissions: ['project.read'] }))
        .statusCode,
    ).toBe(409);
    const inUse = await as(admin).del('/api/v1/workspaces/alpha/roles/release-manager');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().message).toBe(
      'role "release-manager" is held by lee (project api); give them another role first',
    );
  });

  it('records allowed and denied writes in an append-only audit log', async () => {
    const mia = await user('mia', ['alpha', 'workspace-viewer']);
    await as(mia).patch('/api/v1/workspaces/alpha', { name: 'taken over' });
    await as(admin).patch('/api/v1/workspaces/alpha', { description: 'audited' });
    const events = (await as(admin).get('/api/v1/audit-events', { action: 'updateWorkspace' })).json().items;
    expect(events[0]).toMatchObject({
      actor: 'admin',
      outcome: 'allowed',
      statusCode: 200,
      workspace: 'alpha',
      objectName: 'alpha',
    });
    expect(events).toContainEqual(
      expect.objectContaining({ actor: 'mia', outcome: 'denied', statusCode: 403, actorVia: 'session' }),
    );
    expect((await as(mia).get('/api/v1/audit-events')).statusCode).toBe(403);
    const workspaceLog = (
      await as(admin).get('/api/v1/audit-events', { workspace: 'alpha', actor: 'mia' })
    ).json();
    expect(workspaceLog.items.length).toBeGreaterThan(0);
    await expect(t.db.prisma.auditEvent.updateMany({ data: { outcome: 'allowed' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
  });

  it('throttles repeated failed sign-ins per username and per address with 429 and Retry-After', async () => {
    const { buildApp } = await import('../../app.ts');
    const strict = await buildApp({
      db: t.db,
      config: testAppConfig({ loginThrottle: { maxFailures: 3, windowMs: 60_000 } }),
    });
    const attempt = (username: string, password: string, ip = '10.0.0.1') =>
      strict.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 3; i++) expect((await attempt('admin', 'wrong-password')).statusCode).toBe(401);
    const blocked = await attempt('admin', 'wrong-password');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Per username: even the right password waits; per address: another user from the same address too.
    expect((await attempt('admin', 'correct-horse-battery-staple', '10.0.0.2')).statusCode).toBe(429);
    expect((await attempt('someone', 'whatever', '10.0.0.1')).statusCode).toBe(429);
    await strict.app.close();
  });
});

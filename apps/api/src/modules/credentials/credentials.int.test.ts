import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
} from '../../../test/helper.ts';
import { createSecretBox } from '../../lib/secret-box.ts';

const BASE = '/api/v1/workspaces/vault/credentials';
const PROJECTS = '/api/v1/workspaces/vault/projects';
const SECRET = 'ghp-7c1d-never-to-be-seen';
const PASSWORD = 'credentials-test-password';

describe.skipIf(postgresSkipReason())('credentials API', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let member: SignedInClient;
  let workspaceAdmin: SignedInClient;

  async function userWithRole(username: string, role: string): Promise<SignedInClient> {
    const created = await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username, password: PASSWORD },
    });
    expect(created.statusCode, created.body).toBe(201);
    const added = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/vault/members',
      payload: { user: username, role },
    });
    expect(added.statusCode, added.body).toBe(201);
    return signIn(t.app, username, PASSWORD);
  }

  beforeAll(async () => {
    // The default test limit (64 KiB) would refuse a maximal secret before validation sees it.
    t = await buildTestApp({ bodyLimitBytes: 1024 * 1024 });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'vault');
    await seedWorkspace(admin, 'other');
    member = await userWithRole('mia', 'workspace-member');
    workspaceAdmin = await userWithRole('wanda', 'workspace-admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: object, client = admin) => client.request({ method: 'POST', url: BASE, payload });

  it('creates a git credential and never returns its secret', async () => {
    const created = await create({
      name: 'github',
      type: 'git',
      description: 'CI bot',
      username: 'ci-bot',
      secret: SECRET,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({
      name: 'github',
      type: 'git',
      description: 'CI bot',
      username: 'ci-bot',
      server: null,
      createdBy: 'admin',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const listed = await admin.request({ method: 'GET', url: BASE });
    const fetched = await admin.request({ method: 'GET', url: `${BASE}/github` });
    expect(fetched.json()).toEqual(created.json());
    expect(listed.json().items).toEqual([created.json()]);
    for (const response of [created, listed, fetched]) expect(response.body).not.toContain(SECRET);
  });

  it('stores the secret encrypted, decryptable with the server key only', async () => {
    const row = await t.db.prisma.credential.findFirstOrThrow({ where: { name: 'github' } });
    expect(row.secretEncrypted).not.toContain(SECRET);
    expect(createSecretBox(TEST_SECRET_KEY).decrypt(row.secretEncrypted)).toBe(SECRET);
  });

  it('refuses a duplicate name in the workspace but not in another', async () => {
    const again = await create({ name: 'github', type: 'token', secret: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual([{ field: 'body.name', message: 'already taken' }]);
    const elsewhere = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/other/credentials',
      payload: { name: 'github', type: 'token', secret: 'x' },
    });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('validates the fields each type needs, naming them', async () => {
    const gitWithoutUser = await create({ name: 'g1', type: 'git', secret: 's' });
    expect(gitWithoutUser.statusCode).toBe(400);
    expect(gitWithoutUser.json().details).toEqual([
      { field: 'body.username', message: 'is required for git credentials' },
    ]);
    const registryWithoutServer = await create({ name: 'r1', type: 'registry', username: 'u', secret: 's' });
    expect(registryWithoutServer.statusCode).toBe(400);
    expect(registryWithoutServer.json().details).toEqual([
      { field: 'body.server', message: 'is required for registry credentials' },
    ]);
    const withScheme = await create({
      name: 'r2',
      type: 'registry',
      username: 'u',
      server: 'https://ghcr.io',
      secret: 's',
    });
    expect(withScheme.statusCode).toBe(400);
    expect(withScheme.json().details[0].field).toBe('body.server');
    const noSecret = await create({ name: 't1', type: 'token' });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().details).toEqual([{ field: 'body.secret', message: 'is required' }]);
    const emptySecret = await create({ name: 't1', type: 'token', secret: '' });
    expect(emptySecret.json().details).toEqual([
      { field: 'body.secret', message: 'secret must not be empty' },
    ]);
    const tooBig = await create({ name: 't1', type: 'token', secret: 'é'.repeat(40 * 1024) });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().details).toEqual([
      { field: 'body.secret', message: 'secret must be at most 64 KiB' },
    ]);
    const largest = await create({ name: 'key', type: 'token', secret: 'k'.repeat(64 * 1024) });
    expect(largest.statusCode, largest.body).toBe(201);
    const badType = await create({ name: 't1', type: 'ssh', secret: 's' });
    expect(badType.json().details[0].field).toBe('body.type');

    const registry = await create({
      name: 'ghcr',
      type: 'registry',
      username: 'pusher',
      server: 'registry.local:5000',
      secret: 'registry-pass',
    });
    expect(registry.statusCode, registry.body).toBe(201);
    const token = await create({ name: 'npm-token', type: 'token', secret: 'npm-secret' });
    expect(token.statusCode, token.body).toBe(201);
    expect(token.json()).toMatchObject({ username: null, server: null, description: null });
  });

  it('changes fields, keeps an omitted secret and replaces a given one', async () => {
    const box = createSecretBox(TEST_SECRET_KEY);
    const secretOf = async () =>
      box.decrypt(
        (await t.db.prisma.credential.findFirstOrThrow({ where: { name: 'ghcr' } })).secretEncrypted,
      );
    const described = await admin.request({
      method: 'PUT',
      url: `${BASE}/ghcr`,
      payload: { description: 'push images', server: 'ghcr.io' },
    });
    expect(described.statusCode, described.body).toBe(200);
    expect(described.json()).toMatchObject({
      description: 'push images',
      server: 'ghcr.io',
      username: 'pusher',
    });
    expect(await secretOf()).toBe('registry-pass');

    const rotated = await admin.request({
      method: 'PUT',
      url: `${BASE}/ghcr`,
      payload: { secret: 'rotated' },
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.body).not.toContain('rotated');
    expect(await secretOf()).toBe('rotated');

    const dropServer = await admin.request({ method: 'PUT', url: `${BASE}/ghcr`, payload: { server: null } });
    expect(dropServer.statusCode).toBe(400);
    expect(dropServer.json().details).toEqual([
      { field: 'body.server', message: 'is required for registry credentials' },
    ]);
    const retype = await admin.request({ method: 'PUT', url: `${BASE}/ghcr`, payload: { type: 'token' } });
    expect(retype.json().details).toEqual([{ field: 'body.type', message: 'unknown field' }]);
    const missing = await admin.request({ method: 'PUT', url: `${BASE}/nope`, payload: { secret: 'x' } });
    expect(missing.statusCode).toBe(404);
  });

  it('resolves credentials for runs, decrypted, and knows which exist', async () => {
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'vault' } });
    const resolved = await t.services.credentials.resolveForRun(workspace.id, ['github', 'ghcr', 'absent']);
    expect([...resolved.keys()].sort()).toEqual(['ghcr', 'github']);
    expect(resolved.get('github')).toEqual({
      name: 'github',
      type: 'git',
      username: 'ci-bot',
      server: null,
      secret: SECRET,
    });
    expect(await t.services.credentials.exists(workspace.id, 'ghcr')).toBe(true);
    expect(await t.services.credentials.exists(workspace.id, 'absent')).toBe(false);
  });

  it('keeps secrets out of the audit trail', async () => {
    const events = await t.db.prisma.auditEvent.findMany({ where: { objectType: 'credentials' } });
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining(['createCredential', 'updateCredential']),
    );
    const stored = JSON.stringify(events);
    for (const secret of [SECRET, 'registry-pass', 'rotated', 'npm-secret'])
      expect(stored).not.toContain(secret);
  });

  it('checks a project’s git credential exists in the workspace', async () => {
    const unknown = await admin.request({
      method: 'POST',
      url: PROJECTS,
      payload: { slug: 'app', name: 'App', gitCredential: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([
      { field: 'body.gitCredential', message: 'no credential "nope" in this workspace' },
    ]);
    const created = await admin.request({
      method: 'POST',
      url: PROJECTS,
      payload: { slug: 'app', name: 'App', gitCredential: 'github' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().gitCredential).toBe('github');
    const plain = await admin.request({
      method: 'POST',
      url: PROJECTS,
      payload: { slug: 'lib', name: 'Lib' },
    });
    expect(plain.json().gitCredential).toBeNull();
    const unknownOnUpdate = await admin.request({
      method: 'PATCH',
      url: `${PROJECTS}/lib`,
      payload: { gitCredential: 'nope' },
    });
    expect(unknownOnUpdate.statusCode).toBe(400);
    expect(unknownOnUpdate.json().details[0].field).toBe('body.gitCredential');
    const updated = await admin.request({
      method: 'PATCH',
      url: `${PROJECTS}/lib`,
      payload: { gitCredential: 'github' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().gitCredential).toBe('github');
  });

  it('refuses to delete a credential a project uses, naming the projects', async () => {
    const refused = await admin.request({ method: 'DELETE', url: `${BASE}/github` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe(
      'credential "github" is the git credential of projects "app", "lib"; change them first',
    );
    for (const project of ['app', 'lib']) {
      const cleared = await admin.request({
        method: 'PATCH',
        url: `${PROJECTS}/${project}`,
        payload: { gitCredential: null },
      });
      expect(cleared.json().gitCredential).toBeNull();
    }
    const deleted = await admin.request({ method: 'DELETE', url: `${BASE}/github` });
    expect(deleted.statusCode).toBe(204);
    expect((await admin.request({ method: 'GET', url: `${BASE}/github` })).statusCode).toBe(404);
    // The same name in another workspace is untouched.
    const elsewhere = await admin.request({
      method: 'GET',
      url: '/api/v1/workspaces/other/credentials/github',
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('lets workspace members read names and types but not manage credentials', async () => {
    const listed = await member.request({ method: 'GET', url: BASE });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['ghcr', 'registry'],
      ['key', 'token'],
      ['npm-token', 'token'],
    ]);
    const created = await create({ name: 'mine', type: 'token', secret: 's' }, member);
    expect(created.statusCode).toBe(403);
    const changed = await member.request({
      method: 'PUT',
      url: `${BASE}/ghcr`,
      payload: { secret: 'stolen' },
    });
    expect(changed.statusCode).toBe(403);
    const deleted = await member.request({ method: 'DELETE', url: `${BASE}/ghcr` });
    expect(deleted.statusCode).toBe(403);
  });

  it('lets workspace admins manage credentials', async () => {
    const created = await create({ name: 'theirs', type: 'token', secret: 's' }, workspaceAdmin);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().createdBy).toBe('wanda');
    const changed = await workspaceAdmin.request({
      method: 'PUT',
      url: `${BASE}/theirs`,
      payload: { description: 'rotated monthly', secret: 't' },
    });
    expect(changed.statusCode).toBe(200);
    const deleted = await workspaceAdmin.request({ method: 'DELETE', url: `${BASE}/theirs` });
    expect(deleted.statusCode).toBe(204);
  });
});

// Two replicas on one PostgreSQL: each caches sessions and permissions for a few seconds,
// and a change made through one is refused or applied by the other on its very next request
// (LISTEN/NOTIFY). Every check below runs well within the cache's lifetime, so it fails
// without the invalidation.
import { type Database, openDatabase } from '@slipway/db';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
  testAppConfig,
} from '../../../test/helper.ts';
import { buildApp, type SlipwayApp } from '../../app.ts';

const PASSWORD = 'replica-test-password';

describe.skipIf(postgresSkipReason())('sessions and permissions cached on two replicas', () => {
  let a: TestApp;
  let bDb: Database;
  let b: SlipwayApp;
  let adminOnA: SignedInClient;

  beforeAll(async () => {
    a = await buildTestApp();
    bDb = await openDatabase({ databaseUrl: a.database.url, dataDir: '/nonexistent' });
    b = await buildApp({ db: bDb, config: testAppConfig() });
    await b.app.ready();
    adminOnA = await signIn(a.app);
    await seedWorkspace(adminOnA, 'shared', 'app');
  });
  afterAll(async () => {
    await b?.app.close();
    await bDb?.close();
    await a?.close();
  });

  /** A user made through A, signed in on B. */
  async function userOnB(username: string): Promise<SignedInClient> {
    const created = await adminOnA.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username, password: PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    return signIn(b.app, username, PASSWORD);
  }

  const get = (client: SignedInClient, url: string) => client.request({ method: 'GET', url });

  it('refuses on B a session signed out through A, on the next request', async () => {
    const onA = await signIn(a.app);
    const sameOnB: SignedInClient = { ...onA, request: (options) => b.app.inject(withCookie(onA, options)) };
    expect((await get(sameOnB, '/api/v1/me')).statusCode).toBe(200);
    expect((await onA.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await get(sameOnB, '/api/v1/me')).statusCode).toBe(401);
  });

  it('refuses on B a session revoked through A, and every session of a user disabled through A', async () => {
    const ola = await userOnB('ola');
    const olaOnA = await signIn(a.app, 'ola', PASSWORD);
    expect((await get(ola, '/api/v1/me')).statusCode).toBe(200);
    const sessions = (await get(olaOnA, '/api/v1/me/sessions')).json().items as {
      id: string;
      current: boolean;
    }[];
    const other = sessions.find((session) => !session.current);
    expect(other).toBeDefined();
    const revoked = await olaOnA.request({ method: 'DELETE', url: `/api/v1/me/sessions/${other?.id}` });
    expect(revoked.statusCode).toBe(204);
    expect((await get(ola, '/api/v1/me')).statusCode).toBe(401);

    const ole = await userOnB('ole');
    expect((await get(ole, '/api/v1/me')).statusCode).toBe(200);
    const disabled = await adminOnA.request({
      method: 'PATCH',
      url: '/api/v1/users/ole',
      payload: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    expect((await get(ole, '/api/v1/me')).statusCode).toBe(401);
  });

  it('applies on B a workspace role removed through A', async () => {
    const uma = await userOnB('uma');
    await adminOnA.request({
      method: 'POST',
      url: '/api/v1/workspaces/shared/members',
      payload: { user: 'uma', role: 'workspace-viewer' },
    });
    expect((await get(uma, '/api/v1/workspaces/shared/projects')).statusCode).toBe(200);
    const removed = await adminOnA.request({
      method: 'DELETE',
      url: '/api/v1/workspaces/shared/members/uma',
    });
    expect(removed.statusCode).toBe(204);
    expect((await get(uma, '/api/v1/workspaces/shared/projects')).statusCode).toBe(404);
  });

  it('applies on B a custom role’s permissions changed through A', async () => {
    const created = await adminOnA.request({
      method: 'POST',
      url: '/api/v1/workspaces/shared/roles',
      payload: { name: 'readers', scope: 'workspace', permissions: ['workspace.read', 'project.read'] },
    });
    expect(created.statusCode).toBe(201);
    const vic = await userOnB('vic');
    await adminOnA.request({
      method: 'POST',
      url: '/api/v1/workspaces/shared/members',
      payload: { user: 'vic', role: 'readers' },
    });
    const before = (await get(vic, '/api/v1/workspaces/shared/projects')).json();
    expect(before.items.map((project: { slug: string }) => project.slug)).toEqual(['app']);
    const changed = await adminOnA.request({
      method: 'PATCH',
      url: '/api/v1/workspaces/shared/roles/readers',
      payload: { permissions: ['workspace.read'] },
    });
    expect(changed.statusCode).toBe(200);
    expect((await get(vic, '/api/v1/workspaces/shared/projects')).json().items).toEqual([]);
  });
});

function withCookie(client: SignedInClient, options: Parameters<SignedInClient['request']>[0]) {
  const { csrf = true, headers, ...rest } = options;
  return {
    ...rest,
    headers: { ...headers, cookie: client.cookie, ...(csrf ? { 'x-csrf-token': client.csrfToken } : {}) },
  };
}

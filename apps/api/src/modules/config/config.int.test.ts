import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';

const APPLICATION_YML = 'server:\n  port: 8080\ngreeting: hello\n';

describe.skipIf(postgresSkipReason())('config sets API', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let viewer: SignedInClient;
  const base = '/api/v1/workspaces/shop/projects/api/config-sets';
  const versionsOf = (set: string, environment: string) =>
    `${base}/${set}/environments/${environment}/versions`;

  beforeAll(async () => {
    // Room for a body past the 1 MiB ConfigMap limit, so the limit itself answers.
    t = await buildTestApp({ bodyLimitBytes: 4 * 1024 * 1024 });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'shop', 'api', 'staging');
    const production = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/shop/environments',
      payload: { name: 'production' },
    });
    expect(production.statusCode).toBe(201);
    viewer = await signInAsProjectMember(t.app, admin, {
      workspace: 'shop',
      project: 'api',
      username: 'vera',
      role: 'viewer',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (client: SignedInClient, url: string, payload: object) =>
    client.request({ method: 'POST', url, payload });
  const get = (client: SignedInClient, url: string) => client.request({ method: 'GET', url });

  it('creates a set; versions count per environment and name their ConfigMap', async () => {
    const created = await post(admin, base, { name: 'app-config', description: 'the API settings' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'app-config',
      description: 'the API settings',
      environments: [],
    });
    expect((await post(admin, base, { name: 'app-config' })).statusCode).toBe(409);

    const v1 = await post(admin, versionsOf('app-config', 'staging'), {
      data: { 'application.yml': APPLICATION_YML, LOG_LEVEL: 'info' },
      message: 'first',
    });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toEqual({ version: 1, configMapName: 'app-config-v1' });
    const v2 = await post(admin, versionsOf('app-config', 'staging'), {
      data: { 'application.yml': APPLICATION_YML, LOG_LEVEL: 'debug' },
      baseVersion: 1,
    });
    expect(v2.json()).toEqual({ version: 2, configMapName: 'app-config-v2' });
    const prod = await post(admin, versionsOf('app-config', 'production'), { data: { LOG_LEVEL: 'warn' } });
    expect(prod.json()).toEqual({ version: 1, configMapName: 'app-config-v1' });

    const set = await get(admin, `${base}/app-config`);
    expect(set.json().environments).toEqual([
      // In the workspace's environment order (then by name).
      expect.objectContaining({ environment: 'production', latestVersion: 1 }),
      expect.objectContaining({ environment: 'staging', latestVersion: 2, updatedBy: 'admin' }),
    ]);
    expect((await get(admin, base)).json().items).toEqual([
      expect.objectContaining({ name: 'app-config', environments: expect.any(Array) }),
    ]);

    const history = await get(admin, versionsOf('app-config', 'staging'));
    expect(history.json().items).toEqual([
      expect.objectContaining({ version: 2, environment: 'staging', keys: ['LOG_LEVEL', 'application.yml'] }),
      expect.objectContaining({
        version: 1,
        message: 'first',
        author: 'admin',
        configMapName: 'app-config-v1',
      }),
    ]);
    const one = await get(admin, `${versionsOf('app-config', 'staging')}/1`);
    expect(one.json()).toMatchObject({
      version: 1,
      data: { 'application.yml': APPLICATION_YML, LOG_LEVEL: 'info' },
      configMapName: 'app-config-v1',
    });
    expect((await get(admin, `${versionsOf('app-config', 'staging')}/9`)).statusCode).toBe(404);
    const events = await t.db.prisma.auditEvent.findMany({
      where: { action: 'createConfigVersion' },
      orderBy: { occurredAt: 'asc' },
    });
    expect(events).toHaveLength(3);
    expect(events[1]?.detail).toMatchObject({ changes: { latestVersion: { before: 1, after: 2 } } });
  });

  it('refuses a save from an older base version with 409, from a future one with 400', async () => {
    const stale = await post(admin, versionsOf('app-config', 'staging'), {
      data: { A: '1' },
      baseVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details).toEqual([{ field: 'body.baseVersion', message: 'latest is 2' }]);
    const ahead = await post(admin, versionsOf('app-config', 'staging'), {
      data: { A: '1' },
      baseVersion: 3,
    });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().details).toEqual([{ field: 'body.baseVersion', message: 'latest is 2' }]);
  });

  it('diffs two versions key by key', async () => {
    await post(admin, base, { name: 'diffed' });
    await post(admin, versionsOf('diffed', 'staging'), {
      data: { keep: 'same', drop: 'old', edit: 'before' },
    });
    await post(admin, versionsOf('diffed', 'staging'), { data: { keep: 'same', edit: 'after', add: 'new' } });
    const diff = await get(admin, `${base}/diffed/environments/staging/diff?from=1&to=2`);
    expect(diff.statusCode).toBe(200);
    expect(diff.json()).toEqual({
      from: 1,
      to: 2,
      entries: [
        { key: 'add', change: 'added', old: null, new: 'new' },
        { key: 'drop', change: 'removed', old: 'old', new: null },
        { key: 'edit', change: 'changed', old: 'before', new: 'after' },
        { key: 'keep', change: 'unchanged', old: 'same', new: 'same' },
      ],
    });
    expect((await get(admin, `${base}/diffed/environments/staging/diff?from=1&to=3`)).statusCode).toBe(404);
    const noTo = await get(admin, `${base}/diffed/environments/staging/diff?from=1`);
    expect(noTo.statusCode).toBe(400);
    expect(JSON.stringify(noTo.json().details)).toContain('to');
  });

  it('gives concurrent saves distinct, consecutive version numbers', async () => {
    await post(admin, base, { name: 'race' });
    const saves = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(admin, versionsOf('race', 'staging'), { data: { n: String(i) } }),
      ),
    );
    expect(saves.map((s) => s.statusCode)).toEqual(Array(8).fill(201));
    expect(saves.map((s) => s.json().version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('answers 404 naming an unknown environment', async () => {
    const response = await post(admin, versionsOf('app-config', 'qa'), { data: { A: '1' } });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('environment "qa" not found in workspace "shop"');
    expect((await get(admin, versionsOf('app-config', 'qa'))).statusCode).toBe(404);
    expect((await get(admin, versionsOf('nope', 'staging'))).statusCode).toBe(404);
  });

  it('refuses bad keys and more than 1 MiB with 400 naming the field', async () => {
    const badKey = await post(admin, versionsOf('app-config', 'staging'), { data: { 'bad key!': 'x' } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().details).toEqual([
      { field: 'body.data.bad key!', message: 'must consist of letters, digits, "-", "_" or "."' },
    ]);
    const dots = await post(admin, versionsOf('app-config', 'staging'), { data: { '..x': 'x' } });
    expect(dots.statusCode).toBe(400);
    const huge = await post(admin, versionsOf('app-config', 'staging'), {
      data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().details).toEqual([
      expect.objectContaining({
        field: 'body.data',
        message: 'config entries must total at most 1 MiB (the size limit of a ConfigMap)',
      }),
    ]);
    const badName = await post(admin, base, { name: 'Not A Slug' });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().details[0].field).toBe('body.name');
    const staging = (await get(admin, `${base}/app-config`)).json().environments[1];
    expect(staging).toMatchObject({ environment: 'staging', latestVersion: 2 });
  });

  it('lets a viewer read but not change (403)', async () => {
    expect((await get(viewer, `${base}/app-config`)).statusCode).toBe(200);
    expect((await get(viewer, `${versionsOf('app-config', 'staging')}/1`)).statusCode).toBe(200);
    expect((await post(viewer, base, { name: 'mine' })).statusCode).toBe(403);
    expect((await post(viewer, versionsOf('app-config', 'staging'), { data: {} })).statusCode).toBe(403);
    expect((await viewer.request({ method: 'DELETE', url: `${base}/app-config` })).statusCode).toBe(403);
  });

  it('refuses (409) to delete a set whose version a release deployed; deletes an unused one', async () => {
    const project = await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'api' } });
    const version = await t.db.prisma.configVersion.findFirstOrThrow({
      where: { configSet: { name: 'app-config' }, version: 1, environment: { name: 'staging' } },
    });
    await t.db.prisma.release.create({
      data: {
        projectId: project.id,
        number: 1,
        environmentId: version.environmentId,
        environmentName: 'staging',
        namespace: 'shop-staging',
        status: 'succeeded',
        objects: [],
        createdByName: 'admin',
        configs: {
          create: {
            configVersionId: version.id,
            name: 'app-config',
            version: 1,
            configMapName: 'app-config-v1',
          },
        },
      },
    });
    const refused = await admin.request({ method: 'DELETE', url: `${base}/app-config` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/release 1 \(staging\)/);
    expect((await get(admin, `${versionsOf('app-config', 'staging')}/1`)).statusCode).toBe(200);

    expect((await admin.request({ method: 'DELETE', url: `${base}/diffed` })).statusCode).toBe(204);
    expect((await get(admin, `${base}/diffed`)).statusCode).toBe(404);
    expect(await t.db.prisma.configVersion.count({ where: { configSet: { name: 'diffed' } } })).toBe(0);
  });
});

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

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \${{ params.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n';

describe.skipIf(postgresSkipReason())('manifest sets API', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let viewer: SignedInClient;
  const base = '/api/v1/workspaces/shop/projects/api/manifest-sets';

  beforeAll(async () => {
    // Room for a body past the 1 MiB file limit, so the limit itself answers.
    t = await buildTestApp({ bodyLimitBytes: 4 * 1024 * 1024 });
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'shop', 'api');
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

  it('creates a set with version 1, lists it and returns the files exactly', async () => {
    const files = { 'deploy/web.yaml': DEPLOYMENT, 'service.yml': SERVICE };
    const created = await post(admin, base, { name: 'web', files, message: 'first' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ name: 'web', version: 1 });

    const list = await get(admin, base);
    expect(list.json().items).toEqual([
      expect.objectContaining({ name: 'web', latestVersion: 1, updatedBy: 'admin' }),
    ]);
    const version = await get(admin, `${base}/web/versions/1`);
    expect(version.json()).toMatchObject({
      version: 1,
      message: 'first',
      author: 'admin',
      paths: ['deploy/web.yaml', 'service.yml'],
      files,
    });
    expect((await post(admin, base, { name: 'web', files })).statusCode).toBe(409);
    // The write is in the audit log with its safe fields.
    const events = await t.db.prisma.auditEvent.findMany({ where: { action: 'createManifestSet' } });
    expect(events.map((e) => [e.outcome, e.statusCode])).toEqual([
      ['allowed', 201],
      ['failed', 409],
    ]);
    expect(JSON.stringify(events[0]?.detail)).toContain('first');
  });

  it('saves versions newest first; a save from an older base version is refused with 409', async () => {
    await post(admin, base, { name: 'hist', files: { 'a.yaml': SERVICE } });
    const second = await post(admin, `${base}/hist/versions`, {
      files: { 'a.yaml': SERVICE, 'b.yaml': DEPLOYMENT },
      message: 'add the deployment',
      baseVersion: 1,
    });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual({ version: 2 });
    const audited = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'createManifestVersion' },
    });
    expect(audited.detail).toMatchObject({
      fields: expect.arrayContaining(['files', 'message', 'baseVersion']),
      changes: { latestVersion: { before: 1, after: 2 } },
    });
    expect(JSON.stringify(audited.detail)).not.toContain('apiVersion');
    const stale = await post(admin, `${base}/hist/versions`, {
      files: { 'a.yaml': SERVICE },
      baseVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details).toEqual([{ field: 'body.baseVersion', message: 'latest is 2' }]);
    const ahead = await post(admin, `${base}/hist/versions`, {
      files: { 'a.yaml': SERVICE },
      baseVersion: 7,
    });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().message).toBe('manifest set "hist" has no version 7');
    const versions = await get(admin, `${base}/hist/versions`);
    expect(
      versions.json().items.map((v: { version: number; paths: string[] }) => [v.version, v.paths]),
    ).toEqual([
      [2, ['a.yaml', 'b.yaml']],
      [1, ['a.yaml']],
    ]);
    expect((await get(admin, `${base}/hist`)).json()).toMatchObject({ latestVersion: 2 });
    expect((await get(admin, `${base}/hist/versions/3`)).statusCode).toBe(404);
  });

  it('gives concurrent saves distinct, consecutive version numbers', async () => {
    await post(admin, base, { name: 'race', files: { 'a.yaml': SERVICE } });
    const saves = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(admin, `${base}/race/versions`, { files: { 'a.yaml': SERVICE }, message: `save ${i}` }),
      ),
    );
    expect(saves.map((s) => s.statusCode)).toEqual(Array(8).fill(201));
    expect(saves.map((s) => s.json().version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await get(admin, `${base}/race`)).json().latestVersion).toBe(9);
  });

  it('refuses YAML errors and unknown placeholders with 400 naming file and line:column, saving nothing', async () => {
    const response = await post(admin, base, {
      name: 'broken',
      files: {
        'ok.yaml': SERVICE,
        'web.yaml': DEPLOYMENT.replace('release.image', 'relase.image'),
        'bad.yaml': 'apiVersion: v1\nkind: x\n  y: z\n',
      },
    });
    expect(response.statusCode).toBe(400);
    const details = response.json().details;
    const where = details.map((d: { field: string; line: number; column: number }) =>
      [d.field, d.line, d.column].join(':'),
    );
    expect([...new Set(where)]).toEqual(['body.files.web.yaml:11:18', 'body.files.bad.yaml:2:7']);
    expect(details[0].message).toMatch(
      /^11:18 spec\.template\.spec\.containers\[0\]\.image: unknown placeholder/,
    );
    expect((await get(admin, `${base}/broken`)).statusCode).toBe(404);

    const missingKind = await post(admin, `${base}/web/versions`, {
      files: { 'a.yaml': 'apiVersion: v1\n' },
    });
    expect(missingKind.statusCode).toBe(400);
    expect(missingKind.json().details[0]).toMatchObject({ field: 'body.files.a.yaml', path: 'kind' });
    expect((await get(admin, `${base}/web`)).json().latestVersion).toBe(1);
  });

  it('refuses bad paths, too many files and files over 1 MiB with 400 naming the field', async () => {
    const badPath = await post(admin, base, { name: 'paths', files: { '../evil.yaml': SERVICE } });
    expect(badPath.statusCode).toBe(400);
    const pathRule =
      'must be a relative path like deploy/web.yaml (letters, digits, ".", "_", "-", "/"; ends in .yaml or .yml)';
    expect(badPath.json().details).toEqual([expect.objectContaining({ message: pathRule })]);
    expect(badPath.json().details[0].field).toMatch(/^body\.files\./);
    const notYaml = await post(admin, base, { name: 'paths', files: { 'deploy.json': '{}' } });
    expect(notYaml.statusCode).toBe(400);
    expect(notYaml.json().details).toEqual([{ field: 'body.files.deploy.json', message: pathRule }]);

    const many = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`f${i}.yaml`, SERVICE.replace('name: web', `name: web${i}`)]),
    );
    const tooMany = await post(admin, base, { name: 'many', files: many });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().details).toEqual([
      expect.objectContaining({ field: 'body.files', message: 'a manifest set has at most 100 files' }),
    ]);

    const huge = `${SERVICE}# ${'x'.repeat(1024 * 1024)}\n`;
    const tooBig = await post(admin, base, { name: 'huge', files: { 'a.yaml': huge } });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().details).toEqual([
      expect.objectContaining({
        field: 'body.files.a.yaml',
        message: 'a manifest file must be at most 1 MiB',
      }),
    ]);
    const none = await post(admin, base, { name: 'none', files: {} });
    expect(none.statusCode).toBe(400);
  });

  it('validates without saving: problems with line:column, valid when clean', async () => {
    const bad = await post(admin, `${base}/validate`, { files: { 'a.yaml': `${SERVICE}---\n${SERVICE}` } });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({
      valid: false,
      problems: [
        {
          file: 'a.yaml',
          line: 9,
          column: 1,
          path: 'metadata.name',
          message: 'Service web appears twice: it is also in a.yaml at line 1',
        },
      ],
    });
    const good = await post(viewer, `${base}/validate`, { files: { 'a.yaml': DEPLOYMENT } });
    expect(good.json()).toEqual({ valid: true, problems: [] });
    expect((await get(admin, `${base}/validate`)).statusCode).toBe(404);
  });

  it('lets a viewer read but not change (403); deletes the set with its versions', async () => {
    expect((await get(viewer, `${base}/web`)).statusCode).toBe(200);
    expect((await get(viewer, `${base}/web/versions/1`)).statusCode).toBe(200);
    expect((await post(viewer, base, { name: 'mine', files: { 'a.yaml': SERVICE } })).statusCode).toBe(403);
    expect((await post(viewer, `${base}/web/versions`, { files: { 'a.yaml': SERVICE } })).statusCode).toBe(
      403,
    );
    expect((await viewer.request({ method: 'DELETE', url: `${base}/web` })).statusCode).toBe(403);

    expect((await admin.request({ method: 'DELETE', url: `${base}/web` })).statusCode).toBe(204);
    expect((await get(admin, `${base}/web`)).statusCode).toBe(404);
    expect((await get(admin, `${base}/web/versions/1`)).statusCode).toBe(404);
    expect(await t.db.prisma.manifestVersion.count({ where: { manifestSet: { name: 'web' } } })).toBe(0);
    expect((await admin.request({ method: 'DELETE', url: `${base}/web` })).statusCode).toBe(404);
  });
});

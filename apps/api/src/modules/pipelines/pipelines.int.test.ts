import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { until } from '../../../test/wait.ts';

const SPEC = `# build and test the shop API
parameters:
  - name: skipTests   # asked for full releases only
    type: boolean
    default: false
releaseTypes:
  full: { parameters: [skipTests] }
stages:
  - name: test
    jobs:
      - name: unit
        image: node:24
        steps:
          - run: npm ci && npm test
`;

describe.skipIf(postgresSkipReason())('pipelines API', () => {
  let t: TestApp;
  let client: SignedInClient;
  const base = '/api/v1/workspaces/shop/projects/api/pipelines';

  beforeAll(async () => {
    t = await buildTestApp();
    client = await signIn(t.app);
    await seedWorkspace(client, 'shop', 'api');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores the exact text as revision 1 and returns it byte for byte', async () => {
    const created = await client.request({ method: 'POST', url: base, payload: { name: 'ci', spec: SPEC } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'ci', revision: 1, spec: SPEC, updatedBy: 'admin' });
    expect((await client.request({ method: 'GET', url: `${base}/ci` })).json().spec).toBe(SPEC);
    expect(
      (await client.request({ method: 'POST', url: base, payload: { name: 'ci', spec: SPEC } })).statusCode,
    ).toBe(409);
  });

  it('refuses an invalid spec with every error and its line:column, saving nothing', async () => {
    const bad = SPEC.replace('- run: npm ci && npm test', '- buidl-image: {}').replace(
      'default: false',
      'default: nope',
    );
    const response = await client.request({
      method: 'POST',
      url: base,
      payload: { name: 'broken', spec: bad },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([
      // Reference and value errors come together with the schema errors.
      expect.objectContaining({ line: 5, column: 14, path: 'parameters[0].default' }),
      expect.objectContaining({
        field: 'body.spec',
        line: 14,
        column: 13,
        path: 'stages[0].jobs[0].steps[0]',
      }),
    ]);
    expect((await client.request({ method: 'GET', url: `${base}/broken` })).statusCode).toBe(404);

    const validation = await client.request({
      method: 'POST',
      url: `${base}/validate`,
      payload: { spec: SPEC.replace('default: false', 'default: nope') },
    });
    expect(validation.json()).toEqual({
      valid: false,
      errors: [
        { line: 5, column: 14, path: 'parameters[0].default', message: 'default must be true or false' },
      ],
    });
    expect(
      (await client.request({ method: 'POST', url: `${base}/validate`, payload: { spec: SPEC } })).json(),
    ).toEqual({ valid: true, errors: [] });
  });

  it('saves each edit as a new revision and refuses to overwrite a newer one (409 with both numbers)', async () => {
    const edited = `${SPEC}# second edit\n`;
    const saved = await client.request({
      method: 'PUT',
      url: `${base}/ci`,
      payload: { spec: edited, baseRevision: 1, message: 'comment' },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ revision: 2, spec: edited });

    const stale = await client.request({
      method: 'PUT',
      url: `${base}/ci`,
      payload: { spec: SPEC, baseRevision: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toBe(
      'revision 2 was saved after revision 1, which this edit started from; reload, merge and save again',
    );

    const revisions = (await client.request({ method: 'GET', url: `${base}/ci/revisions` })).json().items;
    expect(revisions.map((r: { number: number }) => r.number)).toEqual([2, 1]);
    expect(revisions[0]).toMatchObject({ message: 'comment', author: 'admin' });
    expect((await client.request({ method: 'GET', url: `${base}/ci/revisions/1` })).json().spec).toBe(SPEC);
    expect((await client.request({ method: 'GET', url: `${base}/ci/revisions/9` })).statusCode).toBe(404);
  });

  it('lists each pipeline with its last revision’s time and author, whoever ran it since', async () => {
    await client.request({ method: 'POST', url: base, payload: { name: 'listed', spec: SPEC } });
    const password = 'listing-test-password';
    await client.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'devon', password } });
    const added = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces/shop/projects/api/members',
      payload: { user: 'devon', role: 'developer' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const devon = await signIn(t.app, 'devon', password);
    const saved = await devon.request({
      method: 'PUT',
      url: `${base}/listed`,
      payload: { spec: `${SPEC}# devon's edit\n`, baseRevision: 1 },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const revision = (await client.request({ method: 'GET', url: `${base}/listed/revisions` })).json()
      .items[0];
    const env = await client.request({
      method: 'POST',
      url: '/api/v1/workspaces/shop/environments',
      payload: { name: 'listing' },
    });
    expect(env.statusCode, env.body).toBe(201);
    const ran = await client.request({
      method: 'POST',
      url: `${base}/listed/runs`,
      payload: { releaseType: 'full', environment: 'listing' },
    });
    expect(ran.statusCode, ran.body).toBe(201);
    const listed = (await client.request({ method: 'GET', url: base })).json().items;
    expect(listed.find((p: { name: string }) => p.name === 'listed')).toEqual({
      name: 'listed',
      revision: 2,
      updatedAt: revision.createdAt,
      updatedBy: 'devon',
    });
    const got = (await client.request({ method: 'GET', url: `${base}/listed` })).json();
    expect(got).toMatchObject({ updatedAt: revision.createdAt, updatedBy: 'devon' });
  });

  it('lets exactly one of two concurrent saves on the same base win', async () => {
    const [a, b] = await Promise.all(
      ['# a\n', '# b\n'].map((suffix) =>
        client.request({
          method: 'PUT',
          url: `${base}/ci`,
          payload: { spec: SPEC + suffix, baseRevision: 2 },
        }),
      ),
    );
    expect([a?.statusCode, b?.statusCode].sort()).toEqual([200, 409]);
    expect((await client.request({ method: 'GET', url: `${base}/ci` })).json().revision).toBe(3);
  });

  it('restores an old revision as a NEW revision with its spec, conflict-guarded and audited', async () => {
    const current = (await client.request({ method: 'GET', url: `${base}/ci` })).json();
    expect(current.spec).not.toBe(SPEC);
    const restored = await client.request({
      method: 'POST',
      url: `${base}/ci/revisions/1/restore`,
      payload: { baseRevision: current.revision },
    });
    expect(restored.statusCode, restored.body).toBe(201);
    expect(restored.json()).toMatchObject({ revision: current.revision + 1, spec: SPEC, updatedBy: 'admin' });
    const [newest] = (await client.request({ method: 'GET', url: `${base}/ci/revisions` })).json().items;
    expect(newest).toMatchObject({ number: current.revision + 1, message: 'Restore revision 1' });
    // Both specs of a diff come from the revisions themselves, byte for byte.
    const old = (
      await client.request({ method: 'GET', url: `${base}/ci/revisions/${current.revision}` })
    ).json();
    expect(old.spec).toBe(current.spec);

    const stale = await client.request({
      method: 'POST',
      url: `${base}/ci/revisions/2/restore`,
      payload: { baseRevision: current.revision, message: 'back to 2' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details).toEqual([
      { field: 'body.baseRevision', message: `latest is ${current.revision + 1}` },
    ]);
    const named = await client.request({
      method: 'POST',
      url: `${base}/ci/revisions/2/restore`,
      payload: { baseRevision: current.revision + 1, message: 'back to 2' },
    });
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json().revision).toBe(current.revision + 2);
    const revisions = (await client.request({ method: 'GET', url: `${base}/ci/revisions` })).json().items;
    expect(revisions[0]).toMatchObject({ number: current.revision + 2, message: 'back to 2' });
    const two = (await client.request({ method: 'GET', url: `${base}/ci/revisions/2` })).json();
    expect(named.json().spec).toBe(two.spec);
    const missing = await client.request({
      method: 'POST',
      url: `${base}/ci/revisions/99/restore`,
      payload: { baseRevision: current.revision + 2 },
    });
    expect(missing.statusCode).toBe(404);
    const tooLong = await client.request({
      method: 'POST',
      url: `${base}/ci/revisions/1/restore`,
      payload: { baseRevision: current.revision + 2, message: 'x'.repeat(501) },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().details[0].field).toBe('body.message');

    const events = await until('the restores to be audited', async () => {
      const rows = await t.db.prisma.auditEvent.findMany({
        where: { action: 'restorePipelineRevision', outcome: 'allowed' },
        orderBy: { occurredAt: 'asc' },
      });
      return rows.length === 2 ? rows : undefined;
    });
    expect(events[1]).toMatchObject({ objectName: expect.stringContaining('ci'), project: 'api' });
  });

  it('serves the JSON Schema for editors', async () => {
    const schema = (await client.request({ method: 'GET', url: '/api/v1/schemas/pipeline.json' })).json();
    expect(schema.title).toBe('Slipway pipeline');
    expect(schema.required).toEqual(['stages']);
  });

  it('deletes a pipeline with its revisions', async () => {
    await client.request({ method: 'POST', url: base, payload: { name: 'old', spec: SPEC } });
    expect((await client.request({ method: 'DELETE', url: `${base}/old` })).statusCode).toBe(204);
    expect(
      (await client.request({ method: 'GET', url: base })).json().items.map((p: { name: string }) => p.name),
    ).toEqual(['ci', 'listed']);
  });
});

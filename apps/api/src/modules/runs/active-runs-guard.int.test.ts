import type { ErrorBody, Run } from '@slipway/contracts';
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

const WORKSPACE = '/api/v1/workspaces/acme';
const SPEC = `stages:
  - name: s
    jobs:
      - name: wait
        image: alpine:3.22
        steps:
          - run: sleep 600
`;

// The engine is not started: runs stay queued until a delete with cancelRuns=true settles
// them (the engine's cancel path, run by `settle`), so every state here is deterministic.
describe.skipIf(postgresSkipReason())('deleting what active runs depend on', () => {
  let t: TestApp;
  let admin: SignedInClient;

  async function post(url: string, payload: object) {
    const response = await admin.request({ method: 'POST', url, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function project(slug: string) {
    await post(`${WORKSPACE}/projects`, { slug, name: slug });
    await post(`${WORKSPACE}/projects/${slug}/pipelines`, { name: 'build', spec: SPEC });
  }

  async function startRun(slug: string, environment: string): Promise<Run> {
    return (await post(`${WORKSPACE}/projects/${slug}/pipelines/build/runs`, {
      releaseType: 'default',
      environment,
    })) as Run;
  }

  /** The run's id (the `slipway.dev/run` label; the API addresses runs by number). */
  async function idOf(slug: string, number: number): Promise<string> {
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number, pipeline: { name: 'build', project: { slug } } },
    });
    return row.id;
  }

  async function getRun(slug: string, number: number): Promise<Run> {
    const response = await admin.request({
      method: 'GET',
      url: `${WORKSPACE}/projects/${slug}/pipelines/build/runs/${number}`,
    });
    return response.json() as Run;
  }

  /** Sessions of this database waiting for a row lock, e.g. a delete behind a run's insert. */
  async function lockWaiters(): Promise<number> {
    const rows = await t.db.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return Number(rows[0]?.n ?? 0);
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme');
    for (const name of ['dev', 'qa', 'race-a', 'race-b', 'spare']) {
      await post(`${WORKSPACE}/environments`, { name });
    }
    for (const slug of ['shop', 'blog', 'race', 'race-project']) await project(slug);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses deleting an environment with active runs, naming them', async () => {
    await startRun('shop', 'dev');
    await startRun('blog', 'dev');
    const refused = await admin.request({ method: 'DELETE', url: `${WORKSPACE}/environments/dev` });
    expect(refused.statusCode, refused.body).toBe(409);
    const body = refused.json() as ErrorBody;
    expect(body.message).toBe(
      'environment "dev" has 2 active runs: acme/shop/build #1 (queued), acme/blog/build #1 (queued); cancel them first, or delete with cancelRuns=true',
    );
    expect(body.details).toEqual([
      {
        field: 'runs',
        message: 'acme/shop/build #1 is queued',
        run: {
          id: await idOf('shop', 1),
          workspace: 'acme',
          project: 'shop',
          pipeline: 'build',
          number: 1,
          status: 'queued',
        },
      },
      {
        field: 'runs',
        message: 'acme/blog/build #1 is queued',
        run: {
          id: await idOf('blog', 1),
          workspace: 'acme',
          project: 'blog',
          pipeline: 'build',
          number: 1,
          status: 'queued',
        },
      },
    ]);
    // Nothing changed: the environment and its runs are as they were.
    expect((await admin.request({ method: 'GET', url: `${WORKSPACE}/environments/dev` })).statusCode).toBe(
      200,
    );
    expect((await getRun('shop', 1)).status).toBe('queued');
  });

  it('with cancelRuns=true cancels the runs (saying why, audited), waits for them, then deletes', async () => {
    const deleted = await admin.request({
      method: 'DELETE',
      url: `${WORKSPACE}/environments/dev?cancelRuns=true`,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await admin.request({ method: 'GET', url: `${WORKSPACE}/environments/dev` })).statusCode).toBe(
      404,
    );
    for (const slug of ['shop', 'blog']) {
      const run = await getRun(slug, 1);
      expect(run).toMatchObject({
        status: 'cancelled',
        message: 'cancelled: environment dev deleted by admin',
      });
      expect(run.jobs.every((job) => job.status === 'cancelled')).toBe(true);
    }
    const cancels = await t.db.prisma.auditEvent.findMany({
      where: { action: 'cancelRun', requestId: deleted.headers['x-request-id'] as string },
      orderBy: { objectName: 'asc' },
    });
    expect(cancels.map((e) => [e.objectName, e.actorName, e.outcome, e.detail])).toEqual([
      [
        'acme/blog/build/1',
        'admin',
        'allowed',
        { values: { reason: 'cancelled: environment dev deleted by admin' } },
      ],
      [
        'acme/shop/build/1',
        'admin',
        'allowed',
        { values: { reason: 'cancelled: environment dev deleted by admin' } },
      ],
    ]);
    const deletion = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'deleteEnvironment', outcome: 'allowed', objectName: 'acme/dev' },
    });
    expect(deletion?.detail).toEqual({
      changes: { cancelledRuns: { before: [], after: ['acme/shop/build #1', 'acme/blog/build #1'] } },
    });
  });

  it('refuses deleting a project with active runs, and with cancelRuns=true cancels them and deletes', async () => {
    await startRun('blog', 'qa');
    const refused = await admin.request({ method: 'DELETE', url: `${WORKSPACE}/projects/blog` });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      message:
        'project "blog" has 1 active run: acme/blog/build #2 (queued); cancel them first, or delete with cancelRuns=true',
      details: [{ field: 'runs', run: { id: await idOf('blog', 2), project: 'blog', number: 2 } }],
    });
    const deleted = await admin.request({
      method: 'DELETE',
      url: `${WORKSPACE}/projects/blog?cancelRuns=true`,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await admin.request({ method: 'GET', url: `${WORKSPACE}/projects/blog` })).statusCode).toBe(404);
    const cancel = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'cancelRun', objectName: 'acme/blog/build/2' },
    });
    expect(cancel?.detail).toEqual({ values: { reason: 'cancelled: project blog deleted by admin' } });
  });

  it('refuses deleting a cluster whose environments have active runs, naming them, and cancels nothing', async () => {
    const cluster = await t.db.prisma.cluster.create({ data: { name: 'far', inCluster: true } });
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'acme' } });
    // Placed directly: creating it through the API would create its namespace on a real cluster.
    await t.db.prisma.environment.create({
      data: { workspaceId: workspace.id, name: 'remote', clusterId: cluster.id, namespace: 'acme-remote' },
    });
    await startRun('shop', 'remote');
    for (const query of ['', '?cancelRuns=true']) {
      const refused = await admin.request({ method: 'DELETE', url: `/api/v1/clusters/far${query}` });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({
        message:
          'cluster "far" is used by 1 environment; move or delete them first; they have 1 active run: acme/shop/build #2 (queued)',
        details: [
          {
            field: 'runs',
            run: { id: await idOf('shop', 2), workspace: 'acme', project: 'shop', number: 2 },
          },
        ],
      });
    }
    expect((await getRun('shop', 2)).status).toBe('queued');
    // Once the environment is gone (its run cancelled), the cluster goes too.
    const envDeleted = await admin.request({
      method: 'DELETE',
      url: `${WORKSPACE}/environments/remote?cancelRuns=true`,
    });
    expect(envDeleted.statusCode, envDeleted.body).toBe(204);
    const deleted = await admin.request({ method: 'DELETE', url: '/api/v1/clusters/far?cancelRuns=true' });
    expect(deleted.statusCode, deleted.body).toBe(204);
  });

  it('answers 400 naming the field for any other cancelRuns value, never a 5xx', async () => {
    for (const url of [
      `${WORKSPACE}/environments/qa?cancelRuns=yes`,
      `${WORKSPACE}/environments/qa?cancelRuns=`,
      `${WORKSPACE}/environments/qa?cancelRuns=true&cancelRuns=false`,
      `${WORKSPACE}/projects/shop?cancelRuns=1`,
      '/api/v1/clusters/none?cancelRuns=TRUE',
    ]) {
      const response = await admin.request({ method: 'DELETE', url });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      expect((response.json() as ErrorBody).details?.map((d) => d.field)).toContain('query.cancelRuns');
    }
  });

  it('documents cancelRuns and the 409 of the three deletes in OpenAPI', async () => {
    const document = (await admin.request({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<
        string,
        { delete?: { parameters?: { name: string; in: string; description?: string }[]; responses: object } }
      >;
    };
    for (const path of [
      '/api/v1/workspaces/{workspace}/environments/{environment}',
      '/api/v1/clusters/{cluster}',
      '/api/v1/workspaces/{workspace}/projects/{project}',
    ]) {
      const operation = document.paths[path]?.delete;
      const parameter = operation?.parameters?.find((p) => p.name === 'cancelRuns');
      expect(parameter, path).toMatchObject({ in: 'query' });
      expect(parameter?.description, path).toMatch(/cancel the active .* runs first/);
      expect(Object.keys(operation?.responses ?? {}), path).toContain('409');
    }
  });

  it.each([
    {
      object: 'environment',
      environment: 'race-a',
      project: 'race',
      url: `${WORKSPACE}/environments/race-a`,
    },
    {
      object: 'project',
      environment: 'spare',
      project: 'race-project',
      url: `${WORKSPACE}/projects/race-project`,
    },
  ])(
    'a run inserted while the $object delete checks is seen: the delete waits for its lock and is refused',
    async (race) => {
      const environment = await t.db.prisma.environment.findFirstOrThrow({
        where: { name: race.environment },
      });
      const pipeline = await t.db.prisma.pipeline.findFirstOrThrow({
        where: { project: { slug: race.project } },
      });
      let inserted!: () => void;
      let commit!: () => void;
      const insertedYet = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const committed = new Promise<void>((resolve) => {
        commit = resolve;
      });
      // What creating a run does, held open: the run's insert, not yet committed.
      const creating = t.db.prisma.$transaction(
        async (tx) => {
          const run = await tx.pipelineRun.create({
            data: {
              pipelineId: pipeline.id,
              number: 900,
              revision: 1,
              spec: SPEC,
              releaseType: 'default',
              environmentId: environment.id,
              environmentName: environment.name,
              parameters: {},
              ref: 'main',
              trigger: 'manual',
              triggeredByName: 'admin',
              status: 'queued',
            },
          });
          inserted();
          await committed;
          return run;
        },
        { timeout: 120_000 },
      );
      await insertedYet;
      const deleting = admin.request({ method: 'DELETE', url: race.url });
      await until('the delete to wait for the row lock', async () =>
        (await lockWaiters()) > 0 ? true : undefined,
      );
      commit();
      const run = await creating;
      const refused = await deleting;
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ details: [{ run: { id: run.id, number: 900 } }] });
    },
  );

  it('a run started while the delete holds the lock fails with 409 naming the environment, not a 5xx', async () => {
    const environment = await t.db.prisma.environment.findFirstOrThrow({ where: { name: 'race-b' } });
    let locked!: () => void;
    let commit!: () => void;
    const lockedYet = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    // What the delete does, held open: the row locked and deleted, not yet committed.
    const deleting = t.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM environments WHERE id = ${environment.id}::uuid FOR UPDATE`;
        await tx.environment.delete({ where: { id: environment.id } });
        locked();
        await committed;
      },
      { timeout: 120_000 },
    );
    await lockedYet;
    const starting = admin.request({
      method: 'POST',
      url: `${WORKSPACE}/projects/race/pipelines/build/runs`,
      payload: { releaseType: 'default', environment: 'race-b' },
    });
    await until('the run to wait for the row lock', async () =>
      (await lockWaiters()) > 0 ? true : undefined,
    );
    commit();
    await deleting;
    const refused = await starting;
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      message: 'environment "race-b" or pipeline "build" was deleted while the run was starting',
      details: [{ field: 'body.environment' }],
    });
    expect(await t.db.prisma.pipelineRun.count({ where: { environmentName: 'race-b' } })).toBe(0);
  });
});

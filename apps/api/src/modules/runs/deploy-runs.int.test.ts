import type { Run } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';

// Creating a run whose pipeline deploys (issue #13, part B): the deploy job's rows, the
// versions pinned on the run, and the refusals. The engine is not started: these runs stay
// queued (executing a deploy is the releases module's part).

const WORKSPACE = '/api/v1/workspaces/ships';
const PIPELINES = `${WORKSPACE}/projects/hull/pipelines`;
const PASSWORD = 'deploy-runs-test-password';

const DEPLOYING = `parameters:
  - name: tag
    default: v1
stages:
  - name: build
    jobs:
      - name: image
        image: alpine:3.22
        steps:
          - run: echo build
  - name: ship
    jobs:
      - name: release
        steps:
          - name: roll-out
            deploy:
              manifests: web
              image: registry.example.com/hull:\${{ params.tag }}
              config: [app-config, flags]
              timeout: 2m
      - name: docs
        when: { environment: [nowhere] }
        steps:
          - deploy:
              manifests: never-saved
`;

describe.skipIf(postgresSkipReason())('creating a run with a deploy step', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let ids: { project: string; staging: string; prod: string; bare: string };

  async function pipeline(name: string, spec: string) {
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
  }

  function run(client: SignedInClient, name: string, environment: string, parameters: object = {}) {
    return client.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'default', environment, parameters },
    });
  }

  async function pinsOf(name: string, number: number) {
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number, pipeline: { name } },
      select: { deployPins: true },
    });
    return row.deployPins;
  }

  /** A manifest set with `versions` versions (rows placed directly: the manifests API is another part). */
  async function manifestSet(name: string, versions: number) {
    await t.db.prisma.manifestSet.create({
      data: {
        projectId: ids.project,
        name,
        latestVersion: versions,
        versions: {
          create: Array.from({ length: versions }, (_, i) => ({
            version: i + 1,
            files: { 'app.yaml': `# v${i + 1}` },
          })),
        },
      },
    });
  }

  /** A config set with versions per environment id. */
  async function configSet(name: string, versions: Record<string, number>) {
    const set = await t.db.prisma.configSet.create({ data: { projectId: ids.project, name } });
    for (const [environmentId, count] of Object.entries(versions))
      for (let version = 1; version <= count; version++)
        await t.db.prisma.configVersion.create({
          data: { configSetId: set.id, environmentId, version, data: { KEY: `v${version}` } },
        });
  }

  async function configVersionId(set: string, environmentId: string, version: number) {
    const row = await t.db.prisma.configVersion.findFirstOrThrow({
      where: { configSet: { name: set }, environmentId, version },
    });
    return row.id;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'ships', 'hull', 'bare');
    const workspace = await t.db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'ships' } });
    const cluster = await t.db.prisma.cluster.create({ data: { name: 'dock', inCluster: true } });
    // Placed directly: creating them through the API would create their namespaces on a real cluster.
    const environment = (name: string, production = false) =>
      t.db.prisma.environment.create({
        data: {
          workspaceId: workspace.id,
          name,
          clusterId: cluster.id,
          namespace: `ships-${name}`,
          production,
        },
      });
    const staging = await environment('staging');
    const prod = await environment('prod', true);
    const bare = await t.db.prisma.environment.findFirstOrThrow({ where: { name: 'bare' } });
    const project = await t.db.prisma.project.findFirstOrThrow({ where: { slug: 'hull' } });
    ids = { project: project.id, staging: staging.id, prod: prod.id, bare: bare.id };
    await pipeline('ship', DEPLOYING);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses an environment without a cluster, naming body.environment', async () => {
    const refused = await run(admin, 'ship', 'bare');
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json()).toMatchObject({
      message: expect.stringContaining('environment "bare" has no cluster'),
      details: [{ field: 'body.environment', message: 'environment "bare" has no cluster to deploy to' }],
    });
  });

  it('refuses unknown sets and sets without a version, each at the spec path of its step', async () => {
    const refused = await run(admin, 'ship', 'staging');
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().details).toEqual([
      {
        field: 'spec.stages[1].jobs[0].steps[0].deploy.manifests',
        message: 'no manifest set "web" in this project',
      },
      {
        field: 'spec.stages[1].jobs[0].steps[0].deploy.config[0]',
        message: 'no config set "app-config" in this project',
      },
      {
        field: 'spec.stages[1].jobs[0].steps[0].deploy.config[1]',
        message: 'no config set "flags" in this project',
      },
    ]);

    await t.db.prisma.manifestSet.create({ data: { projectId: ids.project, name: 'web', latestVersion: 0 } });
    await configSet('app-config', { [ids.prod]: 1 });
    await configSet('flags', { [ids.staging]: 1 });
    const stillRefused = await run(admin, 'ship', 'staging');
    expect(stillRefused.statusCode, stillRefused.body).toBe(400);
    expect(stillRefused.json().details).toEqual([
      {
        field: 'spec.stages[1].jobs[0].steps[0].deploy.manifests',
        message: 'manifest set "web" has no version yet: save one first',
      },
      {
        field: 'spec.stages[1].jobs[0].steps[0].deploy.config[0]',
        message: 'config set "app-config" has no version for environment "staging": save one first',
      },
    ]);
    expect(await t.db.prisma.pipelineRun.count()).toBe(0);
  });

  it('inserts the deploy job with its one step and pins the newest versions on the run', async () => {
    await t.db.prisma.manifestSet.delete({
      where: { projectId_name: { projectId: ids.project, name: 'web' } },
    });
    await manifestSet('web', 3);
    await t.db.prisma.configVersion.create({
      data: {
        configSetId: (await t.db.prisma.configSet.findFirstOrThrow({ where: { name: 'app-config' } })).id,
        environmentId: ids.staging,
        version: 1,
        data: { KEY: 'staging' },
      },
    });
    await configSet('unused', { [ids.staging]: 1 });
    const created = await run(admin, 'ship', 'staging', { tag: 'v7' });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json() as Run;
    expect(body.status).toBe('queued');
    expect(
      body.jobs.map((job) => [job.stage, job.name, job.kind, job.status, job.steps.map((s) => s.name)]),
    ).toEqual([
      ['build', 'image', 'job', 'pending', ['step-1']],
      ['ship', 'release', 'deploy', 'pending', ['roll-out']],
      ['ship', 'docs', 'deploy', 'skipped', ['deploy']],
    ]);
    // Only what the deploy jobs that run name; the skipped job's set was never saved.
    expect(await pinsOf('ship', body.number)).toEqual({
      manifestSets: { web: 3 },
      configSets: {
        'app-config': { id: await configVersionId('app-config', ids.staging, 1), version: 1 },
        flags: { id: await configVersionId('flags', ids.staging, 1), version: 1 },
      },
    });
  });

  it('keeps the original pins when the run is retried', async () => {
    const flags = await t.db.prisma.configSet.findFirstOrThrow({ where: { name: 'flags' } });
    await t.db.prisma.configVersion.create({
      data: { configSetId: flags.id, environmentId: ids.prod, version: 1, data: {} },
    });
    const first = await run(admin, 'ship', 'prod');
    expect(first.statusCode, first.body).toBe(201);
    const { number } = first.json() as Run;
    const pinned = await pinsOf('ship', number);
    expect(pinned).toMatchObject({
      manifestSets: { web: 3 },
      configSets: { 'app-config': { version: 1 }, flags: { version: 1 } },
    });
    await t.db.prisma.pipelineRun.update({
      where: {
        id: (
          await t.db.prisma.pipelineRun.findFirstOrThrow({ where: { number, pipeline: { name: 'ship' } } })
        ).id,
      },
      data: { status: 'failed', finishedAt: new Date() },
    });
    // Newer versions saved since: a retry deploys what the original run pinned.
    await t.db.prisma.manifestVersion.create({
      data: {
        manifestSetId: (await t.db.prisma.manifestSet.findFirstOrThrow({ where: { name: 'web' } })).id,
        version: 4,
        files: {},
      },
    });
    await t.db.prisma.configVersion.create({
      data: { configSetId: flags.id, environmentId: ids.prod, version: 2, data: {} },
    });
    const retried = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/ship/runs/${number}/retry`,
      payload: {},
    });
    expect(retried.statusCode, retried.body).toBe(201);
    const retry = retried.json() as Run;
    expect(await pinsOf('ship', retry.number)).toEqual(pinned);
    // A new run pins the newest.
    const fresh = await run(admin, 'ship', 'prod');
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect(await pinsOf('ship', (fresh.json() as Run).number)).toMatchObject({
      manifestSets: { web: 4 },
      configSets: { flags: { version: 2 } },
    });
  });

  it('stores no pins when no deploy job runs', async () => {
    await pipeline(
      'build-only',
      DEPLOYING.replace('- name: release\n', '- name: release\n        when: { environment: [nowhere] }\n'),
    );
    const created = await run(admin, 'build-only', 'bare');
    expect(created.statusCode, created.body).toBe(201);
    expect(await pinsOf('build-only', (created.json() as Run).number)).toBeNull();
  });

  it('needs the deploy permission of the environment (403 naming it)', async () => {
    await admin.request({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'dev', password: PASSWORD },
    });
    const added = await admin.request({
      method: 'POST',
      url: `${WORKSPACE}/projects/hull/members`,
      payload: { user: 'dev', role: 'developer' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const developer = await signIn(t.app, 'dev', PASSWORD);
    const refused = await run(developer, 'ship', 'prod');
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().details).toEqual([
      { field: 'body.environment', message: 'needs the permission deploy.production' },
    ]);
    expect((await run(developer, 'ship', 'staging')).statusCode).toBe(201);
  });
});

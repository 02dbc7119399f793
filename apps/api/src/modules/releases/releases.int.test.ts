import type { Release, ReleaseDiff } from '@slipway/contracts';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepository } from '../../../test/git-repository.ts';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  type TestApp,
} from '../../../test/helper.ts';
import { UNREACHABLE_KUBECONFIG } from '../../../test/unreachable-cluster.ts';

const PASSWORD = 'releases-test-password';
const WS = '/api/v1/workspaces/rel';
const RELEASES = `${WS}/projects/shop/releases`;
const KUBECONFIG = UNREACHABLE_KUBECONFIG;

const deployment = (release: number, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'rel-staging', labels: { 'slipway.dev/release': String(release) } },
  spec: { replicas },
});
const service = (release: number) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'rel-staging', labels: { 'slipway.dev/release': String(release) } },
  spec: { ports: [{ port: 80 }] },
});

describe.skipIf(postgresSkipReason())(
  'releases API: history, diff, rollback refusals and permissions',
  () => {
    let t: TestApp;
    let admin: SignedInClient;
    let viewer: SignedInClient;
    let developer: SignedInClient;
    const ids = { project: '', other: '', staging: '', prod: '', onCluster: '' };
    /** Release creation times one second apart, in insertion order (the environment history's order). */
    let created = 0;

    async function release(data: {
      project?: string;
      number: number;
      environment: 'staging' | 'prod' | 'onCluster';
      status: string;
      image?: string;
      objects?: object[];
      config?: { id: string; version: number };
      commit?: string;
    }) {
      const environmentId = ids[data.environment];
      return t.db.prisma.release.create({
        data: {
          projectId: data.project ?? ids.project,
          number: data.number,
          environmentId,
          environmentName: data.environment,
          namespace: 'rel-staging',
          status: data.status,
          phase: data.status === 'deploying' ? 'pending' : 'done',
          image: data.image ?? `shop:${data.number}`,
          objects: data.objects ?? [],
          createdByName: 'admin',
          createdAt: new Date(Date.UTC(2026, 0, 1) + ++created * 1000),
          commitSha: data.commit ?? null,
          pipelineName: 'ci',
          runNumber: data.number,
          ...(data.config
            ? {
                configs: {
                  create: {
                    configVersionId: data.config.id,
                    name: 'app-config',
                    version: data.config.version,
                    configMapName: `app-config-v${data.config.version}`,
                  },
                },
              }
            : {}),
        },
      });
    }

    async function member(username: string, role: string) {
      const created = await admin.request({
        method: 'POST',
        url: '/api/v1/users',
        payload: { username, password: PASSWORD },
      });
      expect(created.statusCode, created.body).toBe(201);
      const added = await admin.request({
        method: 'POST',
        url: `${WS}/projects/shop/members`,
        payload: { user: username, role },
      });
      expect(added.statusCode, added.body).toBe(201);
      return signIn(t.app, username, PASSWORD);
    }

    beforeAll(async () => {
      t = await buildTestApp({ allowLocalRepos: true });
      admin = await signIn(t.app);
      await seedWorkspace(admin, 'rel', 'shop', 'staging');
      for (const [url, payload] of [
        [`${WS}/projects`, { slug: 'other', name: 'other' }],
        [`${WS}/environments`, { name: 'prod', production: true }],
        ['/api/v1/clusters', { name: 'kind', kubeconfig: KUBECONFIG }],
      ] as const) {
        const response = await admin.request({ method: 'POST', url, payload });
        expect(response.statusCode, response.body).toBe(201);
      }
      const prisma = t.db.prisma;
      const workspace = await prisma.workspace.findUniqueOrThrow({ where: { slug: 'rel' } });
      const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'kind' } });
      ids.project = (await prisma.project.findFirstOrThrow({ where: { slug: 'shop' } })).id;
      ids.other = (await prisma.project.findFirstOrThrow({ where: { slug: 'other' } })).id;
      ids.staging = (await prisma.environment.findFirstOrThrow({ where: { name: 'staging' } })).id;
      ids.prod = (await prisma.environment.findFirstOrThrow({ where: { name: 'prod' } })).id;
      // An environment on a cluster (the cluster is never reached: the controller is not running).
      ids.onCluster = (
        await prisma.environment.create({
          data: {
            workspaceId: workspace.id,
            name: 'onCluster',
            clusterId: cluster.id,
            namespace: 'rel-oncluster',
          },
        })
      ).id;
      const set = await prisma.configSet.create({ data: { projectId: ids.project, name: 'app-config' } });
      const v1 = await prisma.configVersion.create({
        data: {
          configSetId: set.id,
          environmentId: ids.staging,
          version: 1,
          data: { LOG_LEVEL: 'info', DB_PASSWORD: 'first-secret', GONE: 'x' },
        },
      });
      const v2 = await prisma.configVersion.create({
        data: {
          configSetId: set.id,
          environmentId: ids.staging,
          version: 2,
          data: { LOG_LEVEL: 'debug', DB_PASSWORD: 'second-secret', NEW: 'y' },
        },
      });
      const r1 = await release({
        number: 1,
        environment: 'staging',
        status: 'superseded',
        objects: [deployment(1, 1), service(1)],
        config: { id: v1.id, version: 1 },
        commit: 'a'.repeat(40),
      });
      await prisma.releaseLogLine.createMany({
        data: [
          { releaseId: r1.id, seq: 1, text: 'Deployment/web created' },
          { releaseId: r1.id, seq: 2, text: 'release succeeded: every workload is available' },
        ],
      });
      await release({
        number: 2,
        environment: 'staging',
        status: 'succeeded',
        objects: [deployment(2, 2), service(2)],
        config: { id: v2.id, version: 2 },
      });
      await release({ number: 3, environment: 'staging', status: 'failed' });
      await release({ number: 4, environment: 'prod', status: 'succeeded' });
      await release({
        number: 5,
        environment: 'onCluster',
        status: 'succeeded',
        objects: [deployment(5, 1)],
      });
      await release({ number: 6, environment: 'onCluster', status: 'failed' });
      await release({ project: ids.other, number: 1, environment: 'staging', status: 'succeeded' });
      await prisma.project.updateMany({ where: { id: ids.project }, data: { releaseCounter: 6 } });
      viewer = await member('rel-viewer', 'viewer');
      developer = await member('rel-dev', 'developer');
    });

    afterAll(async () => {
      await t?.close();
    });

    it('lists a project’s releases newest first, by environment, page by page', async () => {
      const all = await viewer.request({ method: 'GET', url: RELEASES });
      expect(all.statusCode, all.body).toBe(200);
      expect(all.json().items.map((r: Release) => r.number)).toEqual([6, 5, 4, 3, 2, 1]);
      const staging = await viewer.request({
        method: 'GET',
        url: RELEASES,
        query: { environment: 'staging', limit: '2' },
      });
      expect(staging.json().items.map((r: Release) => r.number)).toEqual([3, 2]);
      const next = await viewer.request({
        method: 'GET',
        url: RELEASES,
        query: { environment: 'staging', limit: '2', cursor: staging.json().nextCursor },
      });
      expect(next.json()).toMatchObject({ items: [{ number: 1 }], nextCursor: null });
    });

    it('shows one release with its config versions and run; 404 for a number that does not exist', async () => {
      const one = await viewer.request({ method: 'GET', url: `${RELEASES}/1` });
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json()).toMatchObject({
        number: 1,
        project: 'shop',
        environment: 'staging',
        status: 'superseded',
        image: 'shop:1',
        config: [{ name: 'app-config', version: 1, configMapName: 'app-config-v1' }],
        run: { pipeline: 'ci', number: 1 },
        createdBy: 'admin',
      });
      expect((await viewer.request({ method: 'GET', url: `${RELEASES}/99` })).statusCode).toBe(404);
    });

    it('gives the objects as YAML and the deploy log after a sequence number', async () => {
      const objects = await viewer.request({ method: 'GET', url: `${RELEASES}/1/objects` });
      expect(objects.json().items[0]).toMatchObject({
        kind: 'Deployment',
        name: 'web',
        namespace: 'rel-staging',
      });
      expect(objects.json().items[0].yaml).toContain('replicas: 1');
      const log = await viewer.request({ method: 'GET', url: `${RELEASES}/1/log`, query: { after: '1' } });
      expect(log.json()).toMatchObject({
        lines: [{ seq: 2, text: 'release succeeded: every workload is available' }],
        complete: true,
      });
    });

    it('diffs two releases: image, config key by key with secrets hidden, objects without the release label', async () => {
      const response = await viewer.request({ method: 'GET', url: `${RELEASES}/1/diff`, query: { to: '2' } });
      expect(response.statusCode, response.body).toBe(200);
      const diff = response.json() as ReleaseDiff;
      expect(diff.image).toEqual({ from: 'shop:1', to: 'shop:2', changed: true });
      expect(diff.config).toEqual([
        {
          name: 'app-config',
          fromVersion: 1,
          toVersion: 2,
          entries: [
            { key: 'DB_PASSWORD', change: 'changed', old: null, new: null },
            { key: 'GONE', change: 'removed', old: 'x', new: null },
            { key: 'LOG_LEVEL', change: 'changed', old: 'info', new: 'debug' },
            { key: 'NEW', change: 'added', old: null, new: 'y' },
          ],
        },
      ]);
      expect(diff.objects.map((o) => [o.kind, o.change])).toEqual([
        ['Deployment', 'changed'],
        ['Service', 'unchanged'],
      ]);
      expect(diff.objects[0]?.fromYaml).toContain('replicas: 1');
      expect(diff.objects[0]?.toYaml).toContain('replicas: 2');
      expect(diff.commits).toMatchObject({
        list: null,
        reason: 'the commit of one of the releases is not known',
      });
      expect(response.body).not.toContain('secret');
      const missing = await viewer.request({ method: 'GET', url: `${RELEASES}/1/diff`, query: { to: '42' } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().details).toEqual([{ field: 'query.to', message: 'no release 42' }]);
    });

    it('lists the commits between two releases from the project’s repository', async () => {
      const repository = await createTestRepository();
      try {
        const first = await repository.commit('a.txt', '1', 'first');
        const second = await repository.commit('a.txt', '2', 'fix the cart');
        const third = await repository.commit('a.txt', '3', 'faster checkout');
        await t.db.prisma.project.update({ where: { id: ids.project }, data: { repoUrl: repository.dir } });
        await t.db.prisma.release.updateMany({
          where: { projectId: ids.project, number: 1 },
          data: { commitSha: first },
        });
        await t.db.prisma.release.updateMany({
          where: { projectId: ids.project, number: 2 },
          data: { commitSha: third },
        });
        const diff = (
          await viewer.request({ method: 'GET', url: `${RELEASES}/1/diff`, query: { to: '2' } })
        ).json();
        expect(diff.commits).toEqual({
          from: first,
          to: third,
          list: [
            { sha: third, message: 'faster checkout', author: 't' },
            { sha: second, message: 'fix the cart', author: 't' },
          ],
          reason: null,
        });
        await t.db.prisma.release.updateMany({
          where: { projectId: ids.project, number: 1 },
          data: { commitSha: 'f'.repeat(40) },
        });
        const unknown = (
          await viewer.request({ method: 'GET', url: `${RELEASES}/1/diff`, query: { to: '2' } })
        ).json();
        expect(unknown.commits.list).toBeNull();
        expect(unknown.commits.reason).toMatch(/^the repository could not be read: /);
      } finally {
        await repository.remove();
      }
    });

    it('answers 400 naming the field for numbers past a PostgreSQL integer, never 500', async () => {
      const runs = RELEASES.replace(/releases$/, 'pipelines/ci/runs');
      const cases: Array<[string, string, Record<string, string>?]> = [
        [`${RELEASES}/2147483648`, 'path.number'],
        [`${RELEASES}/2147483648/log`, 'path.number'],
        [`${RELEASES}/1/diff`, 'query.to', { to: '2147483648' }],
        [`${RELEASES}/1/log`, 'query.after', { after: '9007199254740991' }],
        [`${runs}/2147483648`, 'path.number'],
      ];
      for (const [url, field, query] of cases) {
        const response = await developer.request({ method: 'GET', url, ...(query ? { query } : {}) });
        expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
        expect(response.json().details.map((d: { field: string }) => d.field)).toContain(field);
      }
      // The largest integer is a number like any other: not found.
      expect((await developer.request({ method: 'GET', url: `${RELEASES}/2147483647` })).statusCode).toBe(
        404,
      );
    });

    it('refuses rollbacks: no permission (403), never succeeded (409), no cluster (400)', async () => {
      const denied = await viewer.request({ method: 'POST', url: `${RELEASES}/1/rollback`, payload: {} });
      expect(denied.statusCode).toBe(403);
      expect(denied.body).toContain('deploy.nonproduction');
      const production = await developer.request({
        method: 'POST',
        url: `${RELEASES}/4/rollback`,
        payload: {},
      });
      expect(production.statusCode).toBe(403);
      expect(production.body).toContain('deploy.production');
      const failed = await developer.request({ method: 'POST', url: `${RELEASES}/3/rollback`, payload: {} });
      expect(failed.statusCode).toBe(409);
      expect(failed.json().details).toEqual([
        { field: 'params.number', message: 'release 3 never succeeded' },
      ]);
      // A release whose own rollout failed and was rolled back automatically was never live.
      const autoRolledBack = await t.db.prisma.release.findFirstOrThrow({
        where: { projectId: ids.project, number: 3 },
      });
      await t.db.prisma.release.update({
        where: { id: autoRolledBack.id },
        data: { status: 'rolled-back', message: 'rolled back automatically: Deployment/web failed' },
      });
      try {
        const never = await developer.request({ method: 'POST', url: `${RELEASES}/3/rollback`, payload: {} });
        expect(never.statusCode, never.body).toBe(409);
      } finally {
        await t.db.prisma.release.update({
          where: { id: autoRolledBack.id },
          data: { status: autoRolledBack.status, message: autoRolledBack.message },
        });
      }
      const local = await developer.request({ method: 'POST', url: `${RELEASES}/1/rollback`, payload: {} });
      expect(local.statusCode).toBe(400);
      expect(local.json().details[0].message).toBe('environment "staging" has no cluster');
    });

    it('rolls back while another release deploys: a new queued release with the earlier one’s image and objects, by the caller, audited', async () => {
      const busy = await release({ number: 7, environment: 'onCluster', status: 'deploying' });
      await t.db.prisma.project.update({ where: { id: ids.project }, data: { releaseCounter: 7 } });
      const response = await developer.request({
        method: 'POST',
        url: `${RELEASES}/5/rollback`,
        payload: { message: 'bad deploy' },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        number: 8,
        environment: 'onCluster',
        status: 'queued',
        trigger: 'rollback',
        image: 'shop:5',
        rollbackOf: 5,
        createdBy: 'rel-dev',
        run: null,
        approval: null,
      });
      const row = await t.db.prisma.release.findFirstOrThrow({
        where: { projectId: ids.project, number: 8 },
      });
      expect(row.queueSeq).not.toBeNull();
      const objects = await developer.request({ method: 'GET', url: `${RELEASES}/8/objects` });
      expect(objects.json().items[0].yaml).toContain('slipway.dev/release: "8"');
      const audit = await t.db.prisma.auditEvent.findFirst({
        where: { action: 'rollbackRelease', actorName: 'rel-dev', statusCode: 201 },
      });
      expect(audit?.detail).toMatchObject({ values: { message: 'bad deploy' } });
      await t.db.prisma.release.updateMany({
        where: { id: { in: [busy.id, row.id] } },
        data: { status: 'failed', phase: 'done' },
      });
    });

    it('lists an environment’s history and what is live only for the projects the caller may read', async () => {
      const asAdmin = await admin.request({ method: 'GET', url: `${WS}/environments/staging/releases` });
      expect(asAdmin.json().items.map((r: Release) => `${r.project}#${r.number}`)).toEqual([
        'other#1',
        'shop#3',
        'shop#2',
        'shop#1',
      ]);
      const asViewer = await viewer.request({ method: 'GET', url: `${WS}/environments/staging/releases` });
      expect(asViewer.json().items.map((r: Release) => `${r.project}#${r.number}`)).toEqual([
        'shop#3',
        'shop#2',
        'shop#1',
      ]);
      const live = await viewer.request({ method: 'GET', url: `${WS}/environments/staging/live` });
      expect(live.statusCode, live.body).toBe(200);
      expect(live.json().items).toEqual([
        expect.objectContaining({
          project: 'shop',
          live: expect.objectContaining({ number: 2 }),
          latest: expect.objectContaining({ number: 3, status: 'failed' }),
          rollout: { state: 'unknown', message: 'the environment has no cluster' },
        }),
      ]);
      expect(
        (await viewer.request({ method: 'GET', url: `${WS}/environments/nope/releases` })).statusCode,
      ).toBe(404);
    });
  },
);

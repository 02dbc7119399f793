// The deploy queue on the real control plane (KWOK pods), driven through the API and the run
// engine: twenty deploys submitted at once into one environment run strictly one after
// another; a locked environment holds a deploy that goes once it is unlocked; a rollout that
// fails is rolled back automatically (image and ConfigMap), the objects it added pruned.
import { randomBytes } from 'node:crypto';
import { FINISHED_RELEASE_STATUSES, type Release } from '@slipway/contracts';
import type { V1Deployment } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_FROZEN, DEPLOY_SPEC, MANIFESTS } from '../../../test/deploy-fixtures.ts';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const COUNT = 20;
const EXTRA_SERVICE = `---
apiVersion: v1
kind: Service
metadata:
  name: extra
spec:
  selector: { app: web }
  ports:
    - port: 80
`;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

describe.skipIf(postgresSkipReason() || clusterSkipReason())(
  'the deploy queue on the real control plane',
  () => {
    let t: TestApp;
    let admin: SignedInClient;
    const kube = adminClient();
    const suffix = randomBytes(3).toString('hex');
    const ws = `rq-${suffix}`;
    const namespace = `${ws}-staging`;
    const WS = `/api/v1/workspaces/${ws}`;
    const RUNS = `${WS}/projects/shop/pipelines/ci/runs`;
    const ids = { project: '', environment: '', configSet: '', manifestSet: '' };

    async function manifestVersion(version: number, files: Record<string, string>) {
      await t.db.prisma.manifestVersion.create({ data: { manifestSetId: ids.manifestSet, version, files } });
      await t.db.prisma.manifestSet.update({
        where: { id: ids.manifestSet },
        data: { latestVersion: version },
      });
    }

    async function configVersion(version: number, data: Record<string, string>) {
      await t.db.prisma.configVersion.create({
        data: { configSetId: ids.configSet, environmentId: ids.environment, version, data },
      });
    }

    async function startRun(): Promise<number> {
      const response = await admin.request({
        method: 'POST',
        url: RUNS,
        payload: { releaseType: 'default', environment: 'staging' },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().number;
    }

    const runOf = async (number: number) =>
      (await admin.request({ method: 'GET', url: `${RUNS}/${number}` })).json();

    const releaseOfRun = (runNumber: number) =>
      eventually(`the release of run ${runNumber}`, async () => {
        const row = await t.db.prisma.release.findFirst({ where: { projectId: ids.project, runNumber } });
        return row ?? undefined;
      });

    const ended = (number: number) =>
      eventually(
        `release ${number} to end`,
        async () => {
          const release = (
            await admin.request({ method: 'GET', url: `${WS}/projects/shop/releases/${number}` })
          ).json() as Release;
          return FINISHED_RELEASE_STATUSES.includes(release.status) ? release : undefined;
        },
        120_000,
      );

    const patch = async (payload: object) => {
      const response = await admin.request({ method: 'PATCH', url: `${WS}/environments/staging`, payload });
      expect(response.statusCode, response.body).toBe(200);
    };

    const deployment = async () => (await kube.getDeployment(namespace, 'web')) as V1Deployment;

    beforeAll(async () => {
      t = await buildTestApp();
      admin = await signIn(t.app);
      for (const [url, payload] of [
        ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
        ['/api/v1/workspaces', { slug: ws, name: ws }],
        [`${WS}/projects`, { slug: 'shop', name: 'shop' }],
        [`${WS}/environments`, { name: 'staging', cluster: `local-${suffix}` }],
      ] as const) {
        const response = await admin.request({ method: 'POST', url, payload });
        expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
      }
      const prisma = t.db.prisma;
      ids.project = (
        await prisma.project.findFirstOrThrow({ where: { slug: 'shop', workspace: { slug: ws } } })
      ).id;
      ids.environment = (
        await prisma.environment.findFirstOrThrow({ where: { name: 'staging', workspace: { slug: ws } } })
      ).id;
      ids.configSet = (
        await prisma.configSet.create({ data: { projectId: ids.project, name: 'app-config' } })
      ).id;
      ids.manifestSet = (
        await prisma.manifestSet.create({ data: { projectId: ids.project, name: 'web', latestVersion: 0 } })
      ).id;
      await manifestVersion(1, { 'app.yaml': MANIFESTS() });
      await configVersion(1, { LOG_LEVEL: 'info' });
      const pipeline = await admin.request({
        method: 'POST',
        url: `${WS}/projects/shop/pipelines`,
        payload: { name: 'ci', spec: DEPLOY_SPEC },
      });
      expect(pipeline.statusCode, pipeline.body).toBe(201);
      t.engine.start();
      t.releases.start();
    });

    afterAll(async () => {
      await t?.close();
      await kube.deleteNamespace(namespace).catch(() => undefined);
    });

    it(`runs ${COUNT} deploys submitted at once strictly one after another, in queue order, none lost or doubled`, async () => {
      const numbers = await Promise.all(Array.from({ length: COUNT }, () => startRun()));
      expect(new Set(numbers).size).toBe(COUNT);
      const runs = await eventually(
        `${COUNT} runs to finish`,
        async () => {
          const rows = await t.db.prisma.pipelineRun.findMany({
            where: { pipeline: { projectId: ids.project } },
            select: { status: true },
          });
          return rows.length === COUNT && rows.every((r) => TERMINAL.includes(r.status)) ? rows : undefined;
        },
        280_000,
      );
      expect(runs.map((r) => r.status)).toEqual(Array(COUNT).fill('succeeded'));
      const releases = await t.db.prisma.release.findMany({
        where: { projectId: ids.project },
        orderBy: { queueSeq: 'asc' },
      });
      // One release per run: none lost, none doubled.
      expect(releases).toHaveLength(COUNT);
      expect(releases.map((r) => r.runNumber).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        [...numbers].sort((a, b) => a - b),
      );
      // In queue order, each started only after the one before it had finished.
      for (let i = 1; i < releases.length; i++) {
        const before = releases[i - 1];
        const after = releases[i];
        expect(
          after?.startedAt?.getTime(),
          `release ${after?.number} started before ${before?.number} ended`,
        ).toBeGreaterThanOrEqual(before?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY);
      }
      expect(releases.slice(0, -1).every((r) => r.status === 'superseded')).toBe(true);
      expect(releases.at(-1)?.status).toBe('succeeded');
    }, 300_000);

    it('holds a deploy in a freeze window (saying why) and a rollback while locked; each deploys once released', async () => {
      await patch({ freezeWindows: [ALWAYS_FROZEN] });
      const run = await startRun();
      const release = await releaseOfRun(run);
      const held = await eventually('the freeze to hold the release', async () => {
        const row = await t.db.prisma.release.findUniqueOrThrow({ where: { id: release.id } });
        return row.holdReason ? row : undefined;
      });
      expect(held.status).toBe('queued');
      expect(held.holdReason).toMatch(
        /^freeze window always: 2020-01-01T00:00 – 2099-12-31T00:00 UTC until /,
      );
      // The run waits on its deploy job meanwhile (the job names the release; the release says why).
      const job = (await runOf(run)).jobs[0];
      expect(job).toMatchObject({ kind: 'deploy', status: 'running', release: release.number });
      await patch({ freezeWindows: [] });
      expect(await ended(release.number)).toMatchObject({ status: 'succeeded', holdReason: null });
      expect((await deployment()).spec?.template.spec?.containers[0]?.image).toBe(
        `registry.example.com/shop:${run}`,
      );

      // A locked environment refuses new runs; a rollback asked for meanwhile waits for the unlock.
      await patch({ locked: true });
      const first = await t.db.prisma.release.findFirstOrThrow({
        where: { projectId: ids.project },
        orderBy: { number: 'asc' },
      });
      const asked = await admin.request({
        method: 'POST',
        url: `${WS}/projects/shop/releases/${first.number}/rollback`,
        payload: {},
      });
      expect(asked.statusCode, asked.body).toBe(201);
      const rollback = asked.json() as Release;
      const locked = await eventually('the lock to hold the rollback', async () => {
        const row = await t.db.prisma.release.findFirstOrThrow({
          where: { projectId: ids.project, number: rollback.number },
        });
        return row.holdReason ? row : undefined;
      });
      expect(locked).toMatchObject({ status: 'queued', holdReason: 'environment "staging" is locked' });
      await patch({ locked: false });
      expect(await ended(rollback.number)).toMatchObject({ status: 'succeeded', rollbackOf: first.number });
      expect((await deployment()).spec?.template.spec?.containers[0]?.image).toBe(first.image);
    }, 200_000);

    it('rolls a failed rollout back automatically: image and ConfigMap restored, its extra object pruned', async () => {
      await patch({ approvalPolicy: { autoRollback: true } });
      const live = await t.db.prisma.release.findFirstOrThrow({
        where: { projectId: ids.project, status: 'succeeded' },
      });
      await manifestVersion(2, {
        'app.yaml': MANIFESTS('"slipway.dev/test-crash-loop": "true"', EXTRA_SERVICE),
      });
      await configVersion(2, { LOG_LEVEL: 'debug' });
      const run = await startRun();
      const failing = await releaseOfRun(run);
      const failed = await ended(failing.number);
      expect(failed.status).toBe('rolled-back');
      expect(failed.message).toMatch(
        /^rolled back automatically: pod web-[a-z0-9-]+ container web is crash-looping/,
      );
      const rollback = await t.db.prisma.release.findFirstOrThrow({
        where: { projectId: ids.project, trigger: 'auto-rollback' },
      });
      expect(rollback).toMatchObject({ rollbackOf: live.number, priority: 1, image: live.image });
      const restored = await ended(rollback.number);
      expect(restored).toMatchObject({
        status: 'succeeded',
        trigger: 'auto-rollback',
        rollbackOf: live.number,
        config: [{ name: 'app-config', version: 1, configMapName: 'app-config-v1' }],
      });
      const template = (await deployment()).spec?.template.spec;
      expect(template?.containers[0]?.image).toBe(live.image);
      expect(template?.volumes?.[0]?.configMap?.name).toBe('app-config-v1');
      // The Service only the failed release had is gone again.
      expect(
        await kube.getObject({ apiVersion: 'v1', kind: 'Service', name: 'extra', namespace }),
      ).toBeNull();
      const log = (
        await admin.request({ method: 'GET', url: `${WS}/projects/shop/releases/${rollback.number}/log` })
      ).json();
      expect(log.lines.map((l: { text: string }) => l.text)).toContain(`Service/${namespace}/extra pruned`);
      const failedLog = (
        await admin.request({ method: 'GET', url: `${WS}/projects/shop/releases/${failing.number}/log` })
      ).json();
      expect(failedLog.lines.map((l: { text: string }) => l.text)).toContain(
        `rolling back automatically to release ${live.number}`,
      );
      // The live release it restored is superseded by its copy; the run failed with its deploy.
      expect((await t.db.prisma.release.findUniqueOrThrow({ where: { id: live.id } })).status).toBe(
        'superseded',
      );
      const runAfter = await eventually('the run to end', async () => {
        const body = await runOf(run);
        return TERMINAL.includes(body.status) ? body : undefined;
      });
      expect(runAfter.status).toBe('failed');
    }, 200_000);
  },
);

// Moving or deleting an environment whose run has Jobs on the real control plane: refused while
// the run is active; with cancelRuns=true the Jobs are deleted from the cluster first, and the run's
// jobs never fall back to the local executor.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ErrorBody, Run } from '@slipway/contracts';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const SPEC = `stages:
  - name: s
    jobs:
      - name: stuck
        image: alpine:3.22
        steps:
          - run: sleep 600
`;

describe.skipIf(postgresSkipReason() || clusterSkipReason())(
  'deleting an environment with a Kubernetes run',
  () => {
    let t: TestApp;
    let admin: SignedInClient;
    let workDir: string;
    const kube = adminClient();
    const suffix = randomBytes(3).toString('hex');
    const ws = `guard-${suffix}`;
    const namespace = `${ws}-dev`;
    const environment = `/api/v1/workspaces/${ws}/environments/dev`;
    const runs = `/api/v1/workspaces/${ws}/projects/api/pipelines/ci/runs`;

    beforeAll(async () => {
      workDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-guard-work-'));
      t = await buildTestApp({ workDir });
      admin = await signIn(t.app);
      for (const [url, payload] of [
        ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
        ['/api/v1/workspaces', { slug: ws, name: ws }],
        [`/api/v1/workspaces/${ws}/projects`, { slug: 'api', name: 'api' }],
        [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `local-${suffix}` }],
        [`/api/v1/workspaces/${ws}/projects/api/pipelines`, { name: 'ci', spec: SPEC }],
      ] as const) {
        const response = await admin.request({ method: 'POST', url, payload });
        expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
      }
      // No pod may start: the Job stays active, so the run stays running until cancelled.
      await kube.apply({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-pods', namespace },
        spec: { hard: { pods: '0' } },
      });
      t.engine.start();
    });
    afterAll(async () => {
      await t?.close();
      await kube.deleteNamespace(namespace).catch(() => undefined);
      await kube.deleteNamespace(`${namespace}-moved`).catch(() => undefined);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    /** Starts a run in `dev` and waits for its Job on the cluster (it stays running: no pod may start). */
    async function startRunWithJob() {
      const created = await admin.request({
        method: 'POST',
        url: runs,
        payload: { releaseType: 'default', environment: 'dev' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const number = (created.json() as Run).number;
      const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
        where: { number, pipeline: { name: 'ci' } },
      });
      const jobsOfRun = () => kube.listJobs(namespace, `slipway.dev/run=${row.id}`);
      const [job] = await eventually('the run’s Job on the cluster', async () => {
        const jobs = await jobsOfRun();
        return jobs.length > 0 ? jobs : undefined;
      });
      return { number, row, jobsOfRun, job };
    }

    // A run's later jobs would start in the environment's new place while its earlier ones
    // run in the old: a move waits for no active run, as a delete does.
    it('refuses moving the environment to another namespace while a run is active; with cancelRuns=true cancels it first', async () => {
      const { number, row, jobsOfRun } = await startRunWithJob();
      const move = { namespace: `${namespace}-moved` };

      const refused = await admin.request({ method: 'PATCH', url: environment, payload: move });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({
        message: `environment "dev" has 1 active run: ${ws}/api/ci #${number} (running); cancel them first, or move with cancelRuns=true`,
        details: [{ field: 'runs', run: { id: row.id, number, status: 'running' } }],
      });
      expect((await admin.request({ method: 'GET', url: environment })).json()).toMatchObject({ namespace });
      // A change that does not move it is not held up by its runs.
      const reordered = await admin.request({ method: 'PATCH', url: environment, payload: { order: 3 } });
      expect(reordered.statusCode, reordered.body).toBe(200);

      const moved = await admin.request({
        method: 'PATCH',
        url: `${environment}?cancelRuns=true`,
        payload: move,
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ namespace: move.namespace });
      await eventually('the run’s Jobs to be gone from the old namespace', async () =>
        (await jobsOfRun()).length === 0 ? true : undefined,
      );
      const run = (await admin.request({ method: 'GET', url: `${runs}/${number}` })).json() as Run;
      expect(run).toMatchObject({
        status: 'cancelled',
        message: 'cancelled: environment dev moved to another cluster or namespace by admin',
      });
      // Back where it was (no run is active now), for the next test.
      const back = await admin.request({ method: 'PATCH', url: environment, payload: { namespace } });
      expect(back.statusCode, back.body).toBe(200);
    });

    it('is refused while the run is active; with cancelRuns=true its Jobs are deleted and no local process starts', async () => {
      const { number, row, jobsOfRun, job } = await startRunWithJob();
      const jobName = job?.metadata?.name ?? '';
      expect(jobName).not.toBe('');

      const refused = await admin.request({ method: 'DELETE', url: environment });
      expect(refused.statusCode, refused.body).toBe(409);
      expect((refused.json() as ErrorBody).details).toEqual([
        {
          field: 'runs',
          message: `${ws}/api/ci #${number} is running`,
          run: { id: row.id, workspace: ws, project: 'api', pipeline: 'ci', number, status: 'running' },
        },
      ]);
      expect(await jobsOfRun()).toHaveLength(1);

      const deleted = await admin.request({ method: 'DELETE', url: `${environment}?cancelRuns=true` });
      expect(deleted.statusCode, deleted.body).toBe(204);
      // The engine stopped the run before the environment went: its Job is gone from the cluster.
      await eventually('the run’s Jobs to be gone from the cluster', async () =>
        (await jobsOfRun()).length === 0 ? true : undefined,
      );
      const run = (await admin.request({ method: 'GET', url: `${runs}/${number}` })).json() as Run;
      expect(run).toMatchObject({
        status: 'cancelled',
        message: `cancelled: environment dev deleted by admin`,
      });
      expect(run.jobs.map((j) => [j.status, j.executor])).toEqual([['cancelled', 'kubernetes']]);

      // Another look at the run after the environment is gone starts nothing on this machine.
      await t.engine.settle(row.id);
      const jobRows = await t.db.prisma.jobRun.findMany({ where: { runId: row.id } });
      expect(jobRows.map((j) => [j.executor, j.status])).toEqual([['kubernetes', 'cancelled']]);
      expect(existsSync(path.join(workDir, jobName))).toBe(false);
      expect(await readdir(workDir)).toEqual([]);
    });
  },
);

// The cluster's kube-apiserver restarted mid-run, its etcd history compacted first so the
// server's watches cannot resume (410 Gone, relist): the run still completes, and Slipway's
// status catches up with the cluster within 5 s of the API server's return. Restarts the
// shared local control plane's API server: the tier runs alone (CI runs tiers in sequence;
// locally take the heavy lock).
import { randomBytes } from 'node:crypto';
import type { Run } from '@slipway/contracts';
import {
  adminClient,
  clusterSkipReason,
  compactEtcdHistory,
  restartApiServer,
  testKubeconfig,
} from '@slipway/kube/testing';
import {
  createTestDatabase,
  postgresSkipReason,
  type ServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startSignedInServer } from '../server-session.ts';
import { until } from '../wait.ts';
import { createAll, finishedRun, setUpPipeline } from './helpers.ts';

const SPEC = `stages:
  - name: test
    jobs:
      - name: unit
        image: alpine:3.22
        steps:
          - run: echo unit
      - name: lint
        image: alpine:3.22
        steps:
          - run: echo lint
  - name: package
    jobs:
      - name: tarball
        image: alpine:3.22
        steps:
          - run: echo tarball
`;
/** The bound: status catches up within this of the API server's return. */
const CATCH_UP_LIMIT_MS = 5_000;

describe.skipIf(postgresSkipReason() || clusterSkipReason())(
  'the cluster’s API server restarted mid-run',
  () => {
    const kube = adminClient({ timeoutMs: 5_000 });
    const ws = `apirestart-${randomBytes(3).toString('hex')}`;
    const namespace = `${ws}-dev`;
    let database: TestDatabase | undefined;
    let server: ServerProcess | undefined;
    afterAll(async () => {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      await kube.deleteNamespace(namespace).catch(() => undefined);
      await database?.drop();
    });

    const podQuota = (pods: string) =>
      kube.apply({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-pods', namespace },
        spec: { hard: { pods } },
      });

    it('completes the run after a 410 Gone, its status caught up within 5 s', async () => {
      database = await createTestDatabase();
      const started = await startSignedInServer({ databaseUrl: database.url });
      server = started.server;
      const { call } = started;
      await createAll(call, [['/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() }]]);
      const runs = await setUpPipeline(call, {
        workspace: ws,
        environment: 'dev',
        cluster: 'local',
        spec: SPEC,
      });
      // No pod may start yet: the run's first Jobs wait across the restart.
      await podQuota('0');
      await createAll(call, [[runs, { releaseType: 'default', environment: 'dev' }]]);
      const listJobs = () => kube.listJobs(namespace, 'app.kubernetes.io/managed-by=slipway');
      await until('the first stage’s Jobs', async () => ((await listJobs()).length === 2 ? true : undefined));

      // Changes the server's watches have not seen, then history compacted past them and the
      // API server restarted (its watch cache starts from now): resuming gets 410 Gone.
      for (let i = 0; i < 3; i++) {
        await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bump-${i}`, namespace } });
      }
      await compactEtcdHistory();
      await restartApiServer();
      const back = Date.now();
      await podQuota('100');

      // When each job finished in the cluster, and when Slipway showed it.
      const inCluster = new Map<string, number>();
      const inSlipway = new Map<string, number>();
      const run = await until(
        'the run to finish, watching both sides',
        async () => {
          const [jobs, answer] = await Promise.all([listJobs().catch(() => []), call('GET', `${runs}/1`)]);
          const now = Date.now();
          for (const job of jobs) {
            const name = job.metadata?.labels?.['slipway.dev/job'] ?? '';
            if ((job.status?.succeeded ?? 0) > 0 && !inCluster.has(name)) inCluster.set(name, now);
          }
          const current = answer.body as Run;
          for (const job of current.jobs ?? []) {
            if (job.status === 'succeeded' && !inSlipway.has(job.name)) inSlipway.set(job.name, now);
          }
          return ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
        },
        120_000,
      );
      expect(run.status, JSON.stringify(run.jobs)).toBe('succeeded');
      expect((await finishedRun(call, runs, 1)).jobs.map((j) => [j.name, j.attempt])).toEqual([
        ['unit', 1],
        ['lint', 1],
        ['tarball', 1],
      ]);
      // Catch-up: from a Job finished in the cluster to Slipway showing it (seen by polling
      // both every ~100 ms). The first stage finishes only after the API server's return.
      const lags = [...inSlipway].map(([name, at]) => at - (inCluster.get(name) ?? at));
      const catchUp = Math.max(...lags);
      const firstShown =
        Math.min(...['unit', 'lint'].map((name) => inSlipway.get(name) ?? Number.NaN)) - back;
      console.log(
        `[faults] kube-apiserver restart: status caught up ${catchUp} ms after the cluster (limit ${CATCH_UP_LIMIT_MS} ms, ${(catchUp / CATCH_UP_LIMIT_MS).toFixed(2)}× the limit); first job shown ${firstShown} ms after the API server's return`,
      );
      expect(catchUp).toBeLessThanOrEqual(CATCH_UP_LIMIT_MS);
      expect(server.output()).toContain('410 Gone: relisting');
      expect(server.child.exitCode).toBeNull();
    });
  },
);

// Runs on the real control plane (KWOK simulates the nodes and pods): one Job per job
// attempt with the steps as init containers, statuses following the pods, logs archived,
// cancel and timeouts enforced, and a SIGKILLed server that finishes its run after a restart.
import { randomBytes } from 'node:crypto';
import type { Run } from '@slipway/contracts';
import type { V1Job } from '@slipway/kube';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import type { Histogram } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';
import { startSignedInServer } from '../../../test/server-session.ts';

const SPEC = `# builds on Kubernetes
stages:
  - name: test
    jobs:
      - name: unit
        image: node:24-alpine
        timeout: 5m
        steps:
          - name: install
            run: npm ci
          - name: test
            run: npm test
      - name: lint
        image: node:24-alpine
        steps:
          - run: npm run lint
  - name: package
    jobs:
      - name: tarball
        image: alpine:3.22
        steps:
          - run: tar czf app.tgz .
`;
const BLOCKED_SPEC = `stages:
  - name: s
    jobs:
      - name: waits
        image: alpine:3.22
        steps:
          - run: sleep 1
      - name: deadline
        image: alpine:3.22
        timeout: 3s
        steps:
          - run: sleep 1
`;

describe.skipIf(postgresSkipReason() || clusterSkipReason())('runs as Kubernetes Jobs', () => {
  let t: TestApp;
  let admin: SignedInClient;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `runs-${suffix}`;
  const base = `/api/v1/workspaces/${ws}/projects/api/pipelines`;
  const namespaces = [`${ws}-dev`, `${ws}-blocked`];

  /** No pod may start in the namespace: Jobs stay active without pods. */
  const blockPods = (namespace: string, pods: string) =>
    kube.apply({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'no-pods', namespace },
      spec: { hard: { pods } },
    });

  async function runOf(pipeline: string, number: number): Promise<Run> {
    return (await admin.request({ method: 'GET', url: `${base}/${pipeline}/runs/${number}` })).json() as Run;
  }

  const jobsOf = (namespace: string, runId: string): Promise<V1Job[]> =>
    kube.listJobs(namespace, `slipway.dev/run=${runId}`);

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    const setup: [string, object][] = [
      ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [
        `/api/v1/workspaces/${ws}/projects`,
        { slug: 'api', name: 'api', repoUrl: 'https://git.example.com/shop/api.git' },
      ],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `local-${suffix}` }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'blocked', cluster: `local-${suffix}` }],
      [base, { name: 'ci', spec: SPEC }],
      [base, { name: 'blocked', spec: BLOCKED_SPEC }],
    ];
    for (const [url, payload] of setup) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
    await blockPods(`${ws}-blocked`, '0');
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
    for (const namespace of namespaces) await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  it('creates one Job per job with the steps as init containers, follows the pods and archives the logs', async () => {
    const created = await admin.request({
      method: 'POST',
      url: `${base}/ci/runs`,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const run = created.json() as Run;
    expect(run.jobs[0]?.steps.map((s) => s.name)).toEqual(['checkout', 'install', 'test']);
    const done = await eventually('the run to succeed', async () => {
      const current = await runOf('ci', run.number);
      return ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
    });
    expect(done.status, JSON.stringify(done.jobs)).toBe('succeeded');
    expect(done.jobs.every((j) => j.executor === 'kubernetes')).toBe(true);
    expect(done.jobs.flatMap((j) => j.steps.map((s) => s.status)).every((s) => s === 'succeeded')).toBe(true);

    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number: run.number, pipeline: { name: 'ci' } },
    });
    const jobs = await jobsOf(`${ws}-dev`, row.id);
    expect(jobs.map((j) => j.metadata?.labels?.['slipway.dev/job']).sort()).toEqual([
      'lint',
      'tarball',
      'unit',
    ]);
    const unit = jobs.find((j) => j.metadata?.labels?.['slipway.dev/job'] === 'unit');
    expect(unit?.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'slipway',
      'slipway.dev/workspace': ws,
      'slipway.dev/project': 'api',
      'slipway.dev/pipeline': 'ci',
      'slipway.dev/run': row.id,
      'slipway.dev/stage': 'test',
      'slipway.dev/attempt': '1',
    });
    expect(unit?.spec?.backoffLimit).toBe(0);
    expect(unit?.spec?.activeDeadlineSeconds).toBe(300);
    const pod = unit?.spec?.template.spec;
    expect(pod?.initContainers?.map((c) => c.name)).toEqual(['s0-checkout', 's1-install', 's2-test']);
    expect(pod?.initContainers?.map((c) => c.image)).toEqual([
      'alpine/git:2.49.1',
      'node:24-alpine',
      'node:24-alpine',
    ]);
    const [shell, flags, script] = pod?.initContainers?.[1]?.command ?? [];
    expect([shell, flags]).toEqual(['/bin/sh', '-ec']);
    // The commit prologue (a manual run learns its commit from the checkout), then the step.
    expect(script).toMatch(/^if \[ -z "\$\$\{SLIPWAY_SHA:-\}" \][\s\S]*\nnpm ci$/);
    expect(pod?.containers.map((c) => c.name)).toEqual(['done']);
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod?.initContainers?.[1]?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod?.volumes?.map((v) => v.name)).toEqual(['workspace']);

    // The logs come from the pods (KWOK serves a fixed log for every container).
    const log = await eventually('the step log to be archived', async () => {
      const page = (
        await admin.request({
          method: 'GET',
          url: `${base}/ci/runs/${run.number}/jobs/unit/steps/install/log`,
        })
      ).json() as { lines: { text: string }[]; complete: boolean };
      return page.complete ? page.lines.map((l) => l.text) : undefined;
    });
    expect(log).toContain('slipway test-cluster: hello from a fake container');
    // Only once the logs are archived may Kubernetes clean the Job up.
    await eventually('the Job to get a TTL', async () => {
      const [job] = (await jobsOf(`${ws}-dev`, row.id)).filter(
        (j) => j.metadata?.labels?.['slipway.dev/job'] === 'unit',
      );
      return job?.spec?.ttlSecondsAfterFinished ? true : undefined;
    });

    // Metrics: each of the three Jobs timed from its job becoming ready to the Job created.
    const histogram = t.metrics.registry.getSingleMetric('slipway_dispatch_latency_seconds') as Histogram;
    const dispatch = await histogram.get();
    const dispatched = dispatch.values.find(
      (v) => v.metricName === 'slipway_dispatch_latency_seconds_count' && v.labels.executor === 'kubernetes',
    );
    expect(dispatched?.value).toBe(3);
    const archived = await t.metrics.registry.getSingleMetric('slipway_log_archived_bytes_total')?.get();
    expect(archived?.values[0]?.value).toBeGreaterThan(0);
  });

  /** Starts a run of `blocked` and waits until both of its Jobs exist. */
  async function startBlockedRun() {
    const created = await admin.request({
      method: 'POST',
      url: `${base}/blocked/runs`,
      payload: { releaseType: 'default', environment: 'blocked' },
    });
    const run = created.json() as Run;
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number: run.number, pipeline: { name: 'blocked' } },
    });
    await eventually('the Jobs to exist', async () =>
      (await jobsOf(`${ws}-blocked`, row.id)).length === 2 ? true : undefined,
    );
    return { run, row };
  }

  it('cancels a run by deleting its Jobs; a job past its timeout fails', async () => {
    const { run, row } = await startBlockedRun();
    const timedOut = await eventually('the deadline job to fail', async () => {
      const current = await runOf('blocked', run.number);
      const job = current.jobs.find((j) => j.name === 'deadline');
      return job?.status === 'failed' ? job : undefined;
    });
    expect(timedOut.message).toMatch(/timed out/);
    const cancelled = await admin.request({
      method: 'POST',
      url: `${base}/blocked/runs/${run.number}/cancel`,
    });
    expect(cancelled.statusCode).toBe(200);
    const done = await eventually('the run to end', async () => {
      const current = await runOf('blocked', run.number);
      return ['succeeded', 'failed', 'cancelled'].includes(current.status) ? current : undefined;
    });
    expect(done.jobs.find((j) => j.name === 'waits')?.status).toBe('cancelled');
    await eventually('the Jobs to be deleted', async () => {
      const left = (await jobsOf(`${ws}-blocked`, row.id)).filter((j) => !j.metadata?.deletionTimestamp);
      return left.filter((j) => j.metadata?.labels?.['slipway.dev/job'] === 'waits').length === 0
        ? true
        : undefined;
    });
  });

  it("keeps using the job's own cluster after its environment is repointed to the local executor", async () => {
    const { run, row } = await startBlockedRun();
    const environment = await t.db.prisma.environment.findFirstOrThrow({
      where: { name: 'blocked', workspace: { slug: ws } },
    });
    // The environment no longer names a cluster: new jobs would run locally, these stay put.
    await t.db.prisma.environment.update({
      where: { id: environment.id },
      data: { clusterId: null, namespace: null },
    });
    try {
      await t.engine.settle(row.id);
      await t.engine.settle(row.id);
      const jobs = await t.db.prisma.jobRun.findMany({ where: { runId: row.id, name: 'waits' } });
      expect(jobs.map((j) => [j.status, j.executor, j.clusterId, j.namespace, j.attempt])).toEqual([
        ['running', 'kubernetes', environment.clusterId, `${ws}-blocked`, 1],
      ]);
      // Cancelling stops it on the cluster it runs on.
      await admin.request({ method: 'POST', url: `${base}/blocked/runs/${run.number}/cancel` });
      await eventually('the Jobs to be deleted', async () => {
        const left = (await jobsOf(`${ws}-blocked`, row.id)).filter((j) => !j.metadata?.deletionTimestamp);
        return left.length === 0 ? true : undefined;
      });
      const done = await runOf('blocked', run.number);
      expect(done.status).toBe('cancelled');
      expect(done.jobs.map((j) => j.executor)).toEqual(['kubernetes', 'kubernetes']);
    } finally {
      await t.db.prisma.environment.update({
        where: { id: environment.id },
        data: { clusterId: environment.clusterId, namespace: environment.namespace },
      });
    }
  });
});

describe.skipIf(postgresSkipReason() || clusterSkipReason())(
  'a SIGKILLed server and its Kubernetes run',
  () => {
    const kube = adminClient();
    const suffix = randomBytes(3).toString('hex');
    const ws = `crash-${suffix}`;
    let database: TestDatabase;
    let server: ServerProcess | undefined;

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      await kube.deleteNamespace(`${ws}-dev`).catch(() => undefined);
      await database?.drop();
    });

    async function launch(port: number) {
      const started = await startSignedInServer({ databaseUrl: database.url, port });
      server = started.server;
      return started.call;
    }

    it('finishes the run after a restart with exactly one Job per job attempt', async () => {
      const port = await freeLoopbackPort();
      let call = await launch(port);
      const setup: [string, object][] = [
        ['/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() }],
        ['/api/v1/workspaces', { slug: ws, name: ws }],
        [`/api/v1/workspaces/${ws}/projects`, { slug: 'api', name: 'api' }],
        [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: 'local' }],
        [`/api/v1/workspaces/${ws}/projects/api/pipelines`, { name: 'ci', spec: SPEC }],
      ];
      for (const [url, payload] of setup) {
        const response = await call('POST', url, payload);
        expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(201);
      }
      // Pods cannot start yet: the run is stuck mid-way when the server dies.
      await kube.apply({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-pods', namespace: `${ws}-dev` },
        spec: { hard: { pods: '0' } },
      });
      const runs = `/api/v1/workspaces/${ws}/projects/api/pipelines/ci/runs`;
      expect((await call('POST', runs, { releaseType: 'default', environment: 'dev' })).status).toBe(201);
      const listJobs = () => kube.listJobs(`${ws}-dev`, 'app.kubernetes.io/managed-by=slipway');
      await eventually('the first stage’s Jobs', async () =>
        (await listJobs()).length === 2 ? true : undefined,
      );
      server?.child.kill('SIGKILL');
      await server?.exited;

      await kube.apply({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-pods', namespace: `${ws}-dev` },
        spec: { hard: { pods: '100' } },
      });
      call = await launch(port);
      const done = await eventually(
        'the run to finish after the restart',
        async () => {
          const run = (await call('GET', `${runs}/1`)).body as Run;
          return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
        },
        60_000,
      );
      expect(done.status, JSON.stringify(done.jobs)).toBe('succeeded');
      const jobs = await listJobs();
      const perAttempt = jobs.map(
        (j) => `${j.metadata?.labels?.['slipway.dev/job']}#${j.metadata?.labels?.['slipway.dev/attempt']}`,
      );
      expect(perAttempt.sort()).toEqual(['lint#1', 'tarball#1', 'unit#1']);
      expect((await server?.stop())?.code).toBe(0);
    });
  },
);

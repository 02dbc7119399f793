// The run engine against a real PostgreSQL: terminal errors fail a run once, a reconcile
// costs a counted number of SQL statements, an idle engine sends none, and a job keeps the
// executor it was dispatched to whatever happens to its environment afterwards.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@slipway/db';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  seedWorkspace,
  signIn,
  TEST_SECRET_KEY,
  type TestApp,
} from '../../../../test/helper.ts';
import { until } from '../../../../test/wait.ts';
import { createSecretBox } from '../../../lib/secret-box.ts';
import { createClusterClients } from '../../clusters/cluster-clients.ts';
import { createRunsRepo } from '../runs.repo.ts';
import type { Executor, JobObservation } from './executor.ts';
import { createKubeExecutors } from './kube-executors.ts';
import { createLocalExecutor } from './local-executor.ts';
import { createReconciler } from './reconciler.ts';

const PIPELINES = '/api/v1/workspaces/acme/projects/shop/pipelines';

describe.skipIf(postgresSkipReason())('the run engine', () => {
  let t: TestApp;
  let admin: SignedInClient;
  let workDir: string;
  /** A Prisma client on the test database that counts the SQL statements it sends. */
  let counted: PrismaClient;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    await seedWorkspace(admin, 'acme', 'shop');
    const env = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/acme/environments',
      payload: { name: 'dev' },
    });
    expect(env.statusCode, env.body).toBe(201);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-engine-int-'));
    counted = new PrismaClient({
      adapter: new PrismaPg({ connectionString: t.database.url, max: 2 }),
      log: [{ emit: 'event', level: 'query' }],
    });
    const on = counted.$on.bind(counted) as unknown as (
      event: 'query',
      listener: (event: { query: string }) => void,
    ) => void;
    on('query', (event) => statements.push(event.query));
    // The app's own engine is not started: each test runs one of its own.
  });
  afterAll(async () => {
    await counted?.$disconnect();
    await t?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  function engine(options: {
    localExecutor?: Executor;
    onReconcile?: (runId: string) => void;
    resyncMs?: number;
    prisma?: PrismaClient;
  }) {
    const secrets = createSecretBox(TEST_SECRET_KEY);
    return createReconciler({
      runs: createRunsRepo(options.prisma ?? t.db.prisma, t.db.sql),
      secrets,
      resolveCredentials: t.services.credentials.resolveForRun,
      localExecutor: options.localExecutor ?? createLocalExecutor({ workDir }),
      kubeExecutors: createKubeExecutors({ clients: createClusterClients({ secrets, timeoutMs: 5_000 }) }),
      notify: () => undefined,
      ...(options.onReconcile ? { onReconcile: options.onReconcile } : {}),
      ...(options.resyncMs ? { resyncMs: options.resyncMs } : {}),
    });
  }

  /** Creates the pipeline and starts a run of it (nothing reconciles it yet); its id. */
  async function queuedRun(name: string, steps: string, environment = 'dev'): Promise<string> {
    const spec = `stages:\n  - name: s\n    jobs:\n      - name: j\n        image: alpine:3.22\n        steps:\n${steps}`;
    const created = await admin.request({ method: 'POST', url: PIPELINES, payload: { name, spec } });
    expect(created.statusCode, created.body).toBe(201);
    const started = await admin.request({
      method: 'POST',
      url: `${PIPELINES}/${name}/runs`,
      payload: { releaseType: 'default', environment },
    });
    expect(started.statusCode, started.body).toBe(201);
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({ where: { pipeline: { name } } });
    return row.id;
  }

  /** Runs an engine until the run has failed; the run as stored then. */
  async function failedRun(id: string) {
    const e = engine({});
    e.start();
    try {
      return await until('the run to fail', async () => {
        const run = await runRow(id);
        return run.status === 'failed' ? run : undefined;
      });
    } finally {
      await e.stop();
    }
  }

  const runRow = (id: string) =>
    t.db.prisma.pipelineRun.findUniqueOrThrow({
      where: { id },
      include: { jobs: { include: { steps: true } } },
    });

  it('sends no statement at all while idle (no run with work left), even with a short resync', async () => {
    const e = engine({ prisma: counted, resyncMs: 50 });
    e.start();
    try {
      // The start loads the runs with work left, once.
      await until('the start-up load', async () => (statements.length >= 3 ? true : undefined));
      statements.length = 0;
      // Twenty resync periods (the old engine queried every second).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(statements).toEqual([]);
    } finally {
      await e.stop();
    }
  });

  it('fails a run whose stored spec no longer parses once, with the parse error as its message, and does not retry it', async () => {
    const id = await queuedRun('broken', '          - run: echo never\n');
    await t.db.prisma.pipelineRun.update({ where: { id }, data: { spec: 'stages: [ {' } });
    let reconciles = 0;
    const e = engine({ onReconcile: (runId) => runId === id && reconciles++ });
    e.start();
    try {
      const failed = await until('the run to fail', async () => {
        const run = await runRow(id);
        return run.status === 'failed' ? run : undefined;
      });
      expect(failed.message).toMatch(/^the run's stored pipeline spec no longer parses: /);
      expect(failed.finishedAt).not.toBeNull();
      expect(failed.jobs.map((j) => j.status)).toEqual(['skipped']);
      await until('the reconcile to end', async () => (reconciles >= 1 ? true : undefined));
      const after = reconciles;
      // Looked at again on request: it is over, nothing changes, nothing is scheduled.
      await e.settle(id);
      await e.settle(id);
      expect(reconciles).toBe(after + 2);
      const events = await t.db.prisma.runEvent.findMany({ where: { runId: id, type: 'run' } });
      expect(events.map((event) => (event.data as { status: string }).status)).toEqual(['queued', 'failed']);
    } finally {
      await e.stop();
    }
  });

  it('fails a run that still has a job to dispatch once its environment is deleted, saying so', async () => {
    const env = await admin.request({
      method: 'POST',
      url: '/api/v1/workspaces/acme/environments',
      payload: { name: 'temp' },
    });
    expect(env.statusCode, env.body).toBe(201);
    const id = await queuedRun('orphan', '          - run: echo never\n', 'temp');
    await t.db.prisma.environment.deleteMany({ where: { name: 'temp' } });
    const failed = await failedRun(id);
    expect(failed.message).toBe('its environment "temp" was deleted');
    // The job that could not go out is what failed, with the reason.
    expect(failed.jobs.map((j) => [j.status, j.message, j.executor])).toEqual([
      ['failed', 'its environment "temp" was deleted', null],
    ]);
  });

  it('fails a job whose recorded cluster was deleted, saying so, and never runs it locally', async () => {
    const id = await queuedRun('lost', '          - run: echo never\n');
    const clusterId = '00000000-0000-4000-8000-000000000042';
    await t.db.prisma.pipelineRun.update({ where: { id }, data: { status: 'running' } });
    await t.db.prisma.jobRun.updateMany({
      where: { runId: id },
      data: {
        status: 'running',
        executor: 'kubernetes',
        clusterId,
        namespace: 'gone',
        externalName: 'slw-lost-a1',
      },
    });
    const failed = await failedRun(id);
    const message = `the cluster this job was dispatched to (${clusterId}) was deleted`;
    expect(failed.jobs.map((j) => [j.status, j.message, j.executor, j.attempt])).toEqual([
      ['failed', message, 'kubernetes', 1],
    ]);
    expect(failed.message).toBe(`s / j: ${message}`);
    await expect(readdir(path.join(workDir, 'slw-lost-a1'))).rejects.toThrow();
  });

  it('costs one SQL statement to reconcile a running run where nothing changed, two when a step changes', async () => {
    // A scripted executor: the test decides what it observes, and holds each log stream open
    // (log pumps stay quiet), so every statement counted is the reconcile's own.
    let observation: JobObservation = { state: 'running', steps: [{ status: 'pending' }] };
    const stream = new PassThrough();
    let opened = false;
    const scripted: Executor = {
      kind: 'local',
      // It tells of changes itself (the test settles the run): no polling.
      watch: () => () => undefined,
      start: async () => undefined,
      observe: async () => observation,
      stop: async () => undefined,
      release: async () => undefined,
      openLog: async () => {
        opened = true;
        return stream;
      },
    };
    const id = await queuedRun('counted', '          - run: echo counted\n');
    const e = engine({ localExecutor: scripted, prisma: counted });
    e.start();
    const measure = async () => {
      statements.length = 0;
      await e.settle(id);
      return [...statements];
    };
    try {
      // The engine's start dispatches the job.
      await until('the job to be dispatched', async () =>
        (await runRow(id)).jobs[0]?.status === 'running' ? true : undefined,
      );
      await e.settle(id);
      observation = { state: 'running', steps: [{ status: 'running', startedAt: new Date() }] };
      await measure();
      await until('the step log to be followed', async () => (opened ? true : undefined));

      const unchanged = await measure();
      observation = {
        state: 'running',
        steps: [{ status: 'succeeded', exitCode: 0, startedAt: new Date() }],
      };
      const stepChanged = await measure();
      expect((await runRow(id)).jobs[0]?.steps[0]?.status).toBe('succeeded');
      observation = { ...observation, state: 'succeeded' };
      const finished = await measure();
      expect((await runRow(id)).status).toBe('succeeded');
      console.info(
        `statements per reconcile: unchanged ${unchanged.length}, step changed ${stepChanged.length}, run finished ${finished.length}`,
      );
      expect(unchanged).toHaveLength(1);
      expect(stepChanged.length).toBeLessThanOrEqual(3);
      expect(stepChanged).toHaveLength(2);
      expect(finished).toHaveLength(2);
    } finally {
      stream.end();
      await e.stop();
    }
  });

  it('forgets an ended run once its logs are archived and its job released (its context held no longer)', async () => {
    const id = await queuedRun('forgotten', '          - run: echo one\n          - run: echo two\n');
    const e = engine({});
    e.start();
    try {
      await until('the run to succeed with its job released', async () => {
        const run = await runRow(id);
        return run.status === 'succeeded' && run.jobs.every((job) => job.releasedAt !== null)
          ? run
          : undefined;
      });
      // Nothing looks at the run again by itself: the pass that released its job must let it go
      // (the soak found every ended run's plan, credentials and clusters kept for the process's life).
      await until(
        'the context to be dropped',
        async () => (e.contextsHeld() === 0 ? true : undefined),
        10_000,
      );
    } finally {
      await e.stop();
    }
  });

  it('keeps a job on the executor it was dispatched to when its environment is repointed to a cluster', async () => {
    const marker = path.join(workDir, 'go-on');
    const id = await queuedRun(
      'pinned',
      `          - run: while [ ! -f ${marker} ]; do sleep 0.1; done; echo done\n`,
    );
    const e = engine({});
    e.start();
    try {
      await until('the step to run', async () =>
        (await runRow(id)).jobs[0]?.steps[0]?.status === 'running' ? true : undefined,
      );
      // The environment now points at a cluster (one that cannot be reached).
      const cluster = await t.db.prisma.cluster.create({
        data: { name: 'elsewhere', inCluster: false, kubeconfigEncrypted: null },
      });
      await t.db.prisma.environment.updateMany({
        where: { name: 'dev' },
        data: { clusterId: cluster.id, namespace: 'x' },
      });
      await writeFile(marker, '');
      const done = await until('the run to end', async () => {
        const run = await runRow(id);
        return ['succeeded', 'failed'].includes(run.status) ? run : undefined;
      });
      expect(done.status, done.message ?? '').toBe('succeeded');
      expect(done.jobs.map((j) => [j.executor, j.clusterId, j.attempt])).toEqual([['local', null, 1]]);
    } finally {
      await e.stop();
      await t.db.prisma.environment.updateMany({
        where: { name: 'dev' },
        data: { clusterId: null, namespace: null },
      });
    }
  });
});

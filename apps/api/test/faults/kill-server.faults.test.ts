// `kill -9` of the API server at ten seeded random points while runs with parallel jobs and a
// deploy go through the cluster executor (KWOK completes the pods) and the release controller
// (one release deploys at a time in the environment, so the kills land on deploys in flight; a
// rollback is asked for mid-way, and asked again after a restart with the same Idempotency-Key).
// After each restart the engine and the controller adopt what they left behind: every run
// completes exactly once, no Kubernetes Job is created twice, every deploy made exactly one
// release (numbers without gap or double), the Deployment runs the live release and each
// versioned ConfigMap exists once. Replay a failure with SLIPWAY_FAULTS_SEED=<the printed seed>.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Release, Run } from '@slipway/contracts';
import { adminClient, clusterSkipReason, testKubeconfig } from '@slipway/kube/testing';
import {
  createTestDatabase,
  freeLoopbackPort,
  postgresSkipReason,
  type ServerProcess,
  type TestDatabase,
} from '@slipway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerCall, startSignedInServer } from '../server-session.ts';
import { until } from '../wait.ts';
import {
  DEPLOY_STAGE,
  deploySetUp,
  expectAppliedOnce,
  expectClusterMatches,
  expectOneReleasePerDeploy,
  listReleases,
  settledReleases,
} from './deploys.ts';
import { createAll, finishedRun, postWithIdempotencyKey, seededRandom, setUpPipeline } from './helpers.ts';

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
      - name: types
        image: alpine:3.22
        steps:
          - run: echo types
${DEPLOY_STAGE}`;
/** Kubernetes Jobs per run: the parallel jobs (a deploy job is executed by the server itself). */
const JOBS_PER_RUN = 3;
const KILLS = 10;
/**
 * The life of the server (0-based) in which a rollback to release 1 is asked for, once that
 * succeeded (early, so the rollback deploys while kills still come); asked again in the next.
 */
const ROLLBACK_LIFE = 1;
/** The life from which new runs pin config version 2 (saved at its start). */
const CONFIG_V2_LIFE = 4;

describe.skipIf(postgresSkipReason() || clusterSkipReason())('kill -9 of the API server mid-run', () => {
  const kube = adminClient();
  const ws = `kill-${randomBytes(3).toString('hex')}`;
  const namespace = `${ws}-dev`;
  const releasesUrl = `/api/v1/workspaces/${ws}/projects/app/releases`;
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await kube.deleteNamespace(namespace).catch(() => undefined);
    await database?.drop();
  });

  it(`finishes every run and deploy exactly once across ${KILLS} kills at random points`, async () => {
    const random = seededRandom();
    console.log(`[faults] kill -9: seed ${random.seed} (replay: SLIPWAY_FAULTS_SEED=${random.seed})`);
    database = await createTestDatabase();
    const port = await freeLoopbackPort();
    const startUps: number[] = [];
    const launch = async (): Promise<ServerCall> => {
      const began = Date.now();
      const started = await startSignedInServer({ databaseUrl: database?.url ?? '', port });
      startUps.push(Date.now() - began);
      server = started.server;
      return started.call;
    };
    let call = await launch();
    await createAll(call, [['/api/v1/clusters', { name: 'local', kubeconfig: testKubeconfig() }]]);
    const runs = await setUpPipeline(call, {
      workspace: ws,
      environment: 'dev',
      cluster: 'local',
      spec: SPEC,
      beforePipeline: deploySetUp(ws, 'dev'),
    });
    // Keep every config version's ConfigMap (GC would otherwise delete v1 after 10 releases).
    const retain = await call('PATCH', `/api/v1/workspaces/${ws}/environments/dev`, { retainReleases: 1000 });
    expect(retain.status, JSON.stringify(retain.body)).toBe(200);

    let created = 0;
    const killPoints: number[] = [];
    const deployingAtKill: number[][] = [];
    const rollbackKey = randomUUID();
    let rollback: { number: number; of: Release } | undefined;
    const askRollback = async (): Promise<number> => {
      const answer = await postWithIdempotencyKey(
        server?.baseUrl ?? '',
        `${releasesUrl}/1/rollback`,
        {},
        rollbackKey,
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return (answer.body as Release).number;
    };
    for (let kill = 0; kill < KILLS; kill++) {
      if (kill === ROLLBACK_LIFE) {
        // Only a release that once succeeded can be rolled back to.
        const of = await until(
          'release 1 to succeed',
          async () => {
            const answer = await call('GET', `${releasesUrl}/1`).catch(() => undefined);
            const release = answer?.status === 200 ? (answer.body as Release) : undefined;
            return release && ['succeeded', 'superseded'].includes(release.status) ? release : undefined;
          },
          120_000,
        );
        rollback = { number: await askRollback(), of };
      }
      // Asked again after a restart with the same key: the same release, not a second one.
      if (kill === ROLLBACK_LIFE + 1) expect(await askRollback()).toBe(rollback?.number);
      if (kill === CONFIG_V2_LIFE) {
        await createAll(call, [
          [
            `/api/v1/workspaces/${ws}/projects/app/config-sets/app-config/environments/dev/versions`,
            { data: { GREETING: 'v2' } },
          ],
        ]);
      }
      // Two new runs per life of the server, so there is always work in flight when it dies.
      for (let i = 0; i < 2; i++) {
        const answer = await call('POST', runs, { releaseType: 'default', environment: 'dev' });
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        created++;
      }
      const delayMs = Math.floor(random.next() * 2_000);
      killPoints.push(delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const deploying = (await listReleases(call, ws)).filter((release) => release.status === 'deploying');
      deployingAtKill.push(deploying.map((release) => release.number));
      server?.child.kill('SIGKILL');
      await server?.exited;
      call = await launch();
    }
    console.log(`[faults] kill -9: ${KILLS} kills, ms after a start: ${killPoints.join(', ')}`);
    console.log(
      `[faults] kill -9: release deploying at each kill: ${deployingAtKill.map((n) => (n.length ? n.join('+') : '-')).join(', ')} (${deployingAtKill.filter((n) => n.length).length}/${KILLS} kills mid-deploy; the rollback is release ${rollback?.number}, deploying at ${deployingAtKill.filter((n) => n.includes(rollback?.number ?? 0)).length} kills)`,
    );

    const settling = Date.now();
    const finished: Run[] = [];
    for (let number = 1; number <= created; number++) finished.push(await finishedRun(call, runs, number));
    const releases = await settledReleases(call, ws, created + 1);
    console.log(
      `[faults] kill -9: ${created} runs and ${releases.length} releases finished ${Date.now() - settling} ms after the last restart; server start-ups took ${Math.round(startUps.reduce((a, b) => a + b, 0) / startUps.length)} ms on average`,
    );
    const notSucceeded = finished.filter((run) => run.status !== 'succeeded');
    expect(notSucceeded.map((run) => [run.number, run.status, run.message])).toEqual([]);
    // Exactly once: one attempt of every job, and one Kubernetes Job per job attempt.
    const retried = finished.flatMap((run) =>
      run.jobs.filter((job) => job.attempt !== 1).map((job) => `${run.number}/${job.name}`),
    );
    expect(retried).toEqual([]);
    const jobs = await until('the Jobs to be listed', async () =>
      kube.listJobs(namespace, 'app.kubernetes.io/managed-by=slipway').catch(() => undefined),
    );
    const perAttempt = new Map<string, number>();
    for (const job of jobs) {
      const labels = job.metadata?.labels ?? {};
      const key = `${labels['slipway.dev/run']}/${labels['slipway.dev/job']}/${labels['slipway.dev/attempt']}`;
      perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
    }
    expect([...perAttempt].filter(([, count]) => count > 1)).toEqual([]);
    // Finished Jobs may already be cleaned up (TTL), but never more than one per attempt.
    expect(perAttempt.size).toBeLessThanOrEqual(created * JOBS_PER_RUN);
    // Exactly once for deploys: one release per run and one for the rollback, as deployed.
    if (!rollback) throw new Error('no rollback was asked for');
    const live = expectOneReleasePerDeploy(releases, finished, rollback);
    await expectClusterMatches(kube, namespace, releases, live);
    await expectAppliedOnce(call, ws, releases);
    expect(deployingAtKill.some((numbers) => numbers.length > 0)).toBe(true);
    expect(server?.child.exitCode).toBeNull();
  }, 600_000);
});

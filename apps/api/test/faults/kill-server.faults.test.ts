// `kill -9` of the API server at ten seeded random points while runs with parallel jobs go
// through the cluster executor (KWOK completes the pods): after each restart the engine
// adopts what it left behind, every run completes exactly once, and no Kubernetes Job is
// created twice. Replay a failure with SLIPWAY_FAULTS_SEED=<the printed seed>.
import { randomBytes } from 'node:crypto';
import type { Run } from '@slipway/contracts';
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
import { createAll, finishedRun, seededRandom, setUpPipeline } from './helpers.ts';

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
  - name: package
    jobs:
      - name: tarball
        image: alpine:3.22
        steps:
          - run: echo tarball
`;
const KILLS = 10;

describe.skipIf(postgresSkipReason() || clusterSkipReason())('kill -9 of the API server mid-run', () => {
  const kube = adminClient();
  const ws = `kill-${randomBytes(3).toString('hex')}`;
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await kube.deleteNamespace(`${ws}-dev`).catch(() => undefined);
    await database?.drop();
  });

  it(`finishes every run exactly once across ${KILLS} kills at random points`, async () => {
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
    });

    let created = 0;
    const killPoints: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Two new runs per life of the server, so there is always work in flight when it dies.
      for (let i = 0; i < 2; i++) {
        const answer = await call('POST', runs, { releaseType: 'default', environment: 'dev' });
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        created++;
      }
      const delayMs = Math.floor(random.next() * 2_000);
      killPoints.push(delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      server?.child.kill('SIGKILL');
      await server?.exited;
      call = await launch();
    }
    console.log(`[faults] kill -9: ${KILLS} kills, ms after a start: ${killPoints.join(', ')}`);

    const settling = Date.now();
    const finished: Run[] = [];
    for (let number = 1; number <= created; number++) finished.push(await finishedRun(call, runs, number));
    console.log(
      `[faults] kill -9: ${created} runs finished ${Date.now() - settling} ms after the last restart; server start-ups took ${Math.round(startUps.reduce((a, b) => a + b, 0) / startUps.length)} ms on average`,
    );
    const notSucceeded = finished.filter((run) => run.status !== 'succeeded');
    expect(notSucceeded.map((run) => [run.number, run.status, run.message])).toEqual([]);
    // Exactly once: one attempt of every job, and one Kubernetes Job per job attempt.
    const retried = finished.flatMap((run) =>
      run.jobs.filter((job) => job.attempt !== 1).map((job) => `${run.number}/${job.name}`),
    );
    expect(retried).toEqual([]);
    const jobs = await until('the Jobs to be listed', async () =>
      kube.listJobs(`${ws}-dev`, 'app.kubernetes.io/managed-by=slipway').catch(() => undefined),
    );
    const perAttempt = new Map<string, number>();
    for (const job of jobs) {
      const labels = job.metadata?.labels ?? {};
      const key = `${labels['slipway.dev/run']}/${labels['slipway.dev/job']}/${labels['slipway.dev/attempt']}`;
      perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
    }
    expect([...perAttempt].filter(([, count]) => count > 1)).toEqual([]);
    // Finished Jobs may already be cleaned up (TTL), but never more than one per attempt.
    expect(perAttempt.size).toBeLessThanOrEqual(created * 4);
    expect(server?.child.exitCode).toBeNull();
  }, 600_000);
});

// Many runs at once on one cluster (KWOK simulates the pods): every run completes, and the
// API holds one Job watch and one Pod watch on the cluster however many runs, environments
// and namespaces there are (counted by the API server itself, from its /metrics).
// SLIPWAY_CONCURRENT_RUNS sets the count (default 60; the 500-run figure is `bench:concurrent`).
import { randomBytes } from 'node:crypto';
import {
  adminClient,
  apiServerWatches,
  clusterSkipReason,
  eventually,
  testKubeconfig,
} from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signIn, type TestApp } from '../../../test/helper.ts';

const COUNT = Number(process.env.SLIPWAY_CONCURRENT_RUNS ?? 60);
const ENVIRONMENTS = ['dev', 'qa', 'prod'];
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - name: make
            run: make
`;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

describe.skipIf(postgresSkipReason() || clusterSkipReason())('many runs at once on one cluster', () => {
  let t: TestApp;
  let admin: SignedInClient;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `many-${suffix}`;
  const pipelines = `/api/v1/workspaces/${ws}/projects/app/pipelines`;

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    const setup: [string, object][] = [
      ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [`/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' }],
      ...ENVIRONMENTS.map((name): [string, object] => [
        `/api/v1/workspaces/${ws}/environments`,
        { name, cluster: `local-${suffix}` },
      ]),
      [pipelines, { name: 'ci', spec: SPEC }],
    ];
    for (const [url, payload] of setup) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
    for (const name of ENVIRONMENTS) await kube.deleteNamespace(`${ws}-${name}`).catch(() => undefined);
  });

  it(`completes ${COUNT} runs in ${ENVIRONMENTS.length} namespaces with one Job watch and one Pod watch`, async () => {
    // Everyone else's watches (controller-manager, scheduler, KWOK), before the engine's start.
    const samples = [
      await apiServerWatches(kube),
      await apiServerWatches(kube),
      await apiServerWatches(kube),
    ];
    const baseline = (resource: string) => Math.max(...samples.map((s) => s[resource] ?? 0));
    t.engine.start();
    for (let i = 0; i < COUNT; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, COUNT - i) }, async (_, k) => {
          const response = await admin.request({
            method: 'POST',
            url: `${pipelines}/ci/runs`,
            payload: { releaseType: 'default', environment: ENVIRONMENTS[(i + k) % ENVIRONMENTS.length] },
          });
          expect(response.statusCode, response.body).toBe(201);
        }),
      );
    }

    const most = { jobs: 0, pods: 0 };
    const finished = await eventually(
      `${COUNT} runs to finish`,
      async () => {
        const watches = await apiServerWatches(kube);
        most.jobs = Math.max(most.jobs, (watches.jobs ?? 0) - baseline('jobs'));
        most.pods = Math.max(most.pods, (watches.pods ?? 0) - baseline('pods'));
        const runs = await t.db.prisma.pipelineRun.findMany({
          where: { pipeline: { name: 'ci', project: { slug: 'app', workspace: { slug: ws } } } },
          select: { status: true },
        });
        return runs.length === COUNT && runs.every((r) => TERMINAL.includes(r.status)) ? runs : undefined;
      },
      240_000,
    );
    expect(finished.map((r) => r.status)).toEqual(Array(COUNT).fill('succeeded'));
    expect(most).toEqual({ jobs: 1, pods: 1 });
  }, 300_000);
});

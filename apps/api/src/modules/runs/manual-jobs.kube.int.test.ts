// A manual job on the Kubernetes executor (the real control plane; KWOK simulates the pods):
// the run succeeds without it (the stage after it runs) and no Job is created for it; an operator plays it after the
// run ended, a Job is created for it, and the run finishes again.
import { randomBytes } from 'node:crypto';
import type { Run } from '@slipway/contracts';
import { adminClient, clusterSkipReason, eventually, testKubeconfig } from '@slipway/kube/testing';
import { postgresSkipReason } from '@slipway/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  signInAsProjectMember,
  type TestApp,
} from '../../../test/helper.ts';
import { manualPipeline } from '../../../test/manual-pipeline.ts';

describe.skipIf(postgresSkipReason() || clusterSkipReason())('manual jobs as Kubernetes Jobs', () => {
  let t: TestApp;
  let admin: SignedInClient;
  const kube = adminClient();
  const suffix = randomBytes(3).toString('hex');
  const ws = `manual-${suffix}`;
  const base = `/api/v1/workspaces/${ws}/projects/api/pipelines/ci/runs`;
  const namespace = `${ws}-dev`;

  const runOf = async (number: number) =>
    (await admin.request({ method: 'GET', url: `${base}/${number}` })).json() as Run;
  const jobNames = async (runNumber: number) => {
    const row = await t.db.prisma.pipelineRun.findFirstOrThrow({
      where: { number: runNumber, pipeline: { name: 'ci' } },
    });
    const jobs = await kube.listJobs(namespace, `slipway.dev/run=${row.id}`);
    return jobs.map((j) => j.metadata?.labels?.['slipway.dev/job']).sort();
  };
  const succeeded = (number: number) =>
    eventually(`run ${number} to succeed`, async () => {
      const run = await runOf(number);
      if (run.status === 'failed' || run.status === 'cancelled') throw new Error(JSON.stringify(run));
      return run.status === 'succeeded' ? run : undefined;
    });

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await signIn(t.app);
    const setup: [string, object][] = [
      ['/api/v1/clusters', { name: `local-${suffix}`, kubeconfig: testKubeconfig() }],
      ['/api/v1/workspaces', { slug: ws, name: ws }],
      [`/api/v1/workspaces/${ws}/projects`, { slug: 'api', name: 'api' }],
      [`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `local-${suffix}` }],
      [`/api/v1/workspaces/${ws}/projects/api/pipelines`, { name: 'ci', spec: manualPipeline() }],
    ];
    for (const [url, payload] of setup) {
      const response = await admin.request({ method: 'POST', url, payload });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    }
    t.engine.start();
  });
  afterAll(async () => {
    await t?.close();
    await kube.deleteNamespace(namespace).catch(() => undefined);
  });

  it('an operator plays the manual job after the run succeeded without it: a Job runs it, the run ends again', async () => {
    const target = { workspace: ws, project: 'api' };
    const operator = await signInAsProjectMember(t.app, admin, {
      ...target,
      username: 'olive',
      role: 'operator',
    });
    const viewer = await signInAsProjectMember(t.app, admin, { ...target, username: 'vic', role: 'viewer' });
    const created = await admin.request({
      method: 'POST',
      url: base,
      payload: { releaseType: 'default', environment: 'dev' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { number } = created.json() as Run;
    const first = await succeeded(number);
    expect(first.jobs.map((j) => [j.name, j.status, j.executor])).toEqual([
      ['compile', 'succeeded', 'kubernetes'],
      ['publish', 'manual', null],
      ['check', 'succeeded', 'kubernetes'],
    ]);
    expect(await jobNames(number)).toEqual(['check', 'compile']);

    const play = (client: SignedInClient) =>
      client.request({ method: 'POST', url: `${base}/${number}/jobs/publish/play`, payload: {} });
    expect((await play(viewer)).statusCode).toBe(403);
    const played = await play(operator);
    expect(played.statusCode, played.body).toBe(200);
    expect((played.json() as Run).status).toBe('running');

    const again = await succeeded(number);
    expect(again.jobs.find((j) => j.name === 'publish')).toMatchObject({
      status: 'succeeded',
      executor: 'kubernetes',
      manual: { playedBy: 'olive' },
    });
    expect(await jobNames(number)).toEqual(['check', 'compile', 'publish']);
    expect((await play(operator)).statusCode).toBe(409);
  });
});

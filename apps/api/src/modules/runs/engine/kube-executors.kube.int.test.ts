// The kube executors against the real control plane: one per cluster with one watch of Jobs
// and one of Pods (counted by the API server), replaced when the cluster row changes; the
// Job is created before its Secret, which the Job owns; observe answers from the cache.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  adminClient,
  apiServerRequests,
  apiServerWatches,
  clusterSkipReason,
  createTestNamespace,
  eventually,
  testKubeconfig,
} from '@slipway/kube/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../lib/secret-box.ts';
import { createClusterClients } from '../../clusters/cluster-clients.ts';
import { externalNameOf, type JobDispatch } from './executor.ts';
import { createKubeExecutors } from './kube-executors.ts';

describe.skipIf(clusterSkipReason())('kube executors on the local control plane', () => {
  const kube = adminClient();
  const box = createSecretBox(randomBytes(32));
  const clients = createClusterClients({ secrets: box, timeoutMs: 10_000 });
  const cluster = {
    id: `c-${randomBytes(3).toString('hex')}`,
    inCluster: false,
    kubeconfigEncrypted: box.encrypt(testKubeconfig()),
    context: null,
    updatedAt: new Date(1_000),
  };
  let namespace: string;
  let baseline: Record<string, number>;
  /** The executors' watches: what the API server serves beyond the baseline. */
  const ours = async () => {
    const now = await apiServerWatches(kube);
    return { jobs: (now.jobs ?? 0) - (baseline.jobs ?? 0), pods: (now.pods ?? 0) - (baseline.pods ?? 0) };
  };
  const watchesAre = (jobs: number) =>
    eventually(`${jobs} watch(es) of Jobs and of Pods`, async () => {
      const count = await ours();
      return count.jobs === jobs && count.pods === jobs ? true : undefined;
    });

  beforeAll(async () => {
    namespace = await createTestNamespace(kube, 'exec');
    baseline = await apiServerWatches(kube);
  });
  afterAll(async () => {
    await kube.deleteNamespace(namespace);
  });

  it('keeps one executor and one watch per cluster, replaced when the cluster row changes', async () => {
    const executors = createKubeExecutors({ clients });
    const first = executors.forCluster(cluster);
    expect(executors.forCluster({ ...cluster })).toBe(first);
    const stopA = first.watch?.(() => undefined);
    const stopB = first.watch?.(() => undefined);
    await watchesAre(1);
    stopA?.();
    expect(await ours()).toEqual({ jobs: 1, pods: 1 });
    stopB?.();
    await watchesAre(0);

    first.watch?.(() => undefined);
    await watchesAre(1);
    const changed = executors.forCluster({ ...cluster, updatedAt: new Date(2_000) });
    expect(changed).not.toBe(first);
    await watchesAre(0);
    changed.watch?.(() => undefined);
    await watchesAre(1);
    executors.stopAll();
    await watchesAre(0);
  });

  it('stops a watch a read started, with no listener, once reads stop', async () => {
    const executors = createKubeExecutors({ clients, readIdleMs: 5_000 });
    const executor = executors.forCluster(cluster);
    const ref = { externalName: 'slw-nothing-here-a1', namespace };
    expect((await executor.observe(ref, 1)).state).toBe('missing');
    await watchesAre(1);
    await watchesAre(0);
    executors.stopAll();
  });

  it('creates the Job first and then its Secret, owned by the Job; observes from the cache', async () => {
    const executors = createKubeExecutors({ clients });
    const executor = executors.forCluster(cluster);
    const runId = randomUUID();
    const woken = new Set<string>();
    const stop = executor.watch?.((id) => woken.add(id));
    const dispatch: JobDispatch = {
      externalName: externalNameOf(runId, 'build', 'compile', 1),
      labels: {
        workspace: 'w',
        project: 'p',
        pipeline: 'ci',
        runId,
        runNumber: 1,
        job: 'compile',
        stage: 'build',
        attempt: 1,
      },
      namespace,
      repository: null,
      steps: [{ name: 'make', kind: 'run', image: 'alpine:3.22', script: 'make', env: {} }],
      env: {},
      secretEnv: { SLIPWAY_SECRET_TOKEN: 'value' },
      gitAuth: undefined,
      registryConfigs: {},
      timeoutSeconds: undefined,
      resources: {},
    };
    try {
      await executor.start(dispatch);
      const job = await kube.getJob(namespace, dispatch.externalName);
      const secret = await kube.getSecret(namespace, `${dispatch.externalName}-secrets`);
      expect(secret?.metadata?.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Job', name: dispatch.externalName, uid: job?.metadata?.uid }),
      ]);
      // A repeated start adopts the Job.
      await executor.start(dispatch);

      const ref = { externalName: dispatch.externalName, namespace };
      expect((await executor.observe(ref, 1)).state).not.toBe('missing');
      const done = await eventually('the Job to succeed', async () => {
        const observed = await executor.observe(ref, 1);
        return observed.state === 'succeeded' ? observed : undefined;
      });
      expect(done.steps.map((s) => s.status)).toEqual(['succeeded']);
      // Synced: observing asks the API server nothing (20 observes, fewer than 20 GETs of
      // Jobs and LISTs of Pods from every client together).
      const [gets, lists] = [await apiServerRequests(kube, 'GET'), await apiServerRequests(kube, 'LIST')];
      for (let i = 0; i < 20; i++) await executor.observe(ref, 1);
      const [getsAfter, listsAfter] = [
        await apiServerRequests(kube, 'GET'),
        await apiServerRequests(kube, 'LIST'),
      ];
      expect((getsAfter.jobs ?? 0) - (gets.jobs ?? 0)).toBeLessThan(20);
      expect((listsAfter.pods ?? 0) - (lists.pods ?? 0)).toBeLessThan(20);
      expect(woken.has(runId)).toBe(true);
      expect(await executor.observe({ externalName: 'slw-nothing-here-a1', namespace }, 1)).toEqual({
        state: 'missing',
        steps: [],
      });

      // The garbage collector deletes the Secret with its owner.
      await kube.deleteJob(namespace, dispatch.externalName);
      await eventually('the Job and its Secret to go', async () =>
        !(await kube.getJob(namespace, dispatch.externalName)) &&
        !(await kube.getSecret(namespace, `${dispatch.externalName}-secrets`))
          ? true
          : undefined,
      );
      await eventually('the cache to see the Job go', async () =>
        (await executor.observe(ref, 1)).state === 'missing' ? true : undefined,
      );
      await executor.stop(ref);
    } finally {
      stop?.();
      executors.stopAll();
    }
  });
});

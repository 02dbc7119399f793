// Benchmark: how fast the engine turns a Run request into a Kubernetes Job (against a bare
// `create Job` of the same manifest, measured in the same run on the same kind of watch), and
// a pod's status change into an event at a viewer of the run's SSE stream (a real HTTP client
// on a loopback port). Needs the local control plane (`./run kube:up`).
// Usage: node --import tsx apps/api/bench/run-latency.ts [runs=100]
import { randomBytes } from 'node:crypto';
import { createKubeClient, type V1Job, type V1Pod } from '@slipway/kube';
import { externalNameOf, type JobDispatch } from '../src/modules/runs/engine/executor.ts';
import { jobManifest } from '../src/modules/runs/engine/kube-job-manifest.ts';
import {
  localKubeconfig,
  percentile,
  reportFigure,
  ONE_STEP_SPEC as SPEC,
  startBenchApp,
  summary,
} from './harness.ts';

const RUNS = Number(process.argv[2] ?? 100);
const WARM_UP = 5;

/** The manifest the engine would create for one run of SPEC, under another name. */
function bareJob(namespace: string, index: number): V1Job {
  const runId = randomBytes(16).toString('hex');
  const dispatch: JobDispatch = {
    externalName: externalNameOf(runId, 'bare', `create-${index}`, 1),
    labels: {
      workspace: 'bench',
      project: 'app',
      pipeline: 'ci',
      runId,
      runNumber: index,
      job: 'compile',
      stage: 'build',
      attempt: 1,
    },
    namespace,
    repository: null,
    steps: [{ name: 'make', kind: 'run', image: 'alpine:3.22', script: 'make', env: {} }],
    env: { CI: 'true' },
    secretEnv: {},
    gitAuth: undefined,
    registryConfigs: {},
    timeoutSeconds: undefined,
    resources: {},
  };
  const job = jobManifest(dispatch, undefined);
  // Not a run's: the engine's informer must not see it.
  for (const labels of [job.metadata?.labels, job.spec?.template.metadata?.labels]) {
    if (labels) delete labels['slipway.dev/run'];
  }
  return job;
}

/** Times when something is first seen, and waiters for it. */
function sightings() {
  const at = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  return {
    at,
    see(key: string) {
      if (at.has(key)) return;
      at.set(key, performance.now());
      waiters.get(key)?.();
      waiters.delete(key);
    },
    async seen(key: string, timeoutMs = 60_000): Promise<number> {
      if (!at.has(key)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`never saw ${key}`)), timeoutMs);
          waiters.set(key, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return at.get(key) as number;
    },
  };
}

async function main() {
  const kubeconfig = localKubeconfig();
  const kube = createKubeClient({ kubeconfig });
  const reconciles: number[] = [];
  const bench = await startBenchApp({ onReconcile: (_run, ms) => reconciles.push(ms) });
  const suffix = randomBytes(3).toString('hex');
  const ws = `bench-${suffix}`;
  const namespace = `${ws}-dev`;
  const bareNamespace = `${ws}-bare`;
  const post = async (url: string, payload: object) => {
    const response = await bench.admin.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json() as { number: number };
  };
  await post('/api/v1/clusters', { name: `bench-${suffix}`, kubeconfig });
  await post('/api/v1/workspaces', { slug: ws, name: ws });
  await post(`/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' });
  await post(`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `bench-${suffix}` });
  const pipelines = `/api/v1/workspaces/${ws}/projects/app/pipelines`;
  await post(pipelines, { name: 'ci', spec: SPEC });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: bareNamespace } });

  // Watches of the same kind stamp when each Job appears (run number, or the bare Job's
  // name) and when each run's step container terminates.
  const jobs = sightings();
  const stepsDone = sightings();
  const stop = new AbortController();
  for (const ns of [namespace, bareNamespace]) {
    void kube.watch<V1Job>(
      { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespace: ns },
      {
        signal: stop.signal,
        onEvent: (event) => {
          if (event.type !== 'ADDED') return;
          const run = event.object.metadata?.labels?.['slipway.dev/run-number'];
          jobs.see(ns === namespace ? `run ${run}` : `bare ${event.object.metadata?.name}`);
        },
      },
    );
  }
  void kube.watch<V1Pod>(
    { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespace },
    {
      signal: stop.signal,
      onEvent: (event) => {
        const run = event.object.metadata?.labels?.['slipway.dev/run-number'];
        const make = event.object.status?.initContainerStatuses?.find((s) => s.name === 's0-make');
        if (run && make?.state?.terminated) stepsDone.see(run);
      },
    },
  );

  // One SSE viewer per run, over HTTP: stamps the `step` event of the make step succeeding.
  const delivered = sightings();
  const readers: Promise<void>[] = [];
  const address = await bench.app.listen({ port: 0, host: '127.0.0.1' });
  const follow = (number: number) =>
    (async () => {
      const response = await fetch(`${address}${pipelines}/ci/runs/${number}/events`, {
        headers: { cookie: bench.admin.cookie, accept: 'text/event-stream' },
      });
      const reader = response.body?.getReader();
      if (!reader) return;
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
        let end = text.indexOf('\n\n');
        while (end >= 0) {
          const frame = text.slice(0, end);
          text = text.slice(end + 2);
          end = text.indexOf('\n\n');
          const type = frame.match(/^event: (.*)$/m)?.[1];
          const data = frame.match(/^data: (.*)$/m)?.[1] ?? '';
          if (type === 'step' && data.includes('"make"') && data.includes('"succeeded"')) {
            delivered.see(String(number));
            await reader.cancel();
            return;
          }
        }
      }
    })().catch(() => undefined);

  const bare: number[] = [];
  const dispatch: number[] = [];
  const requestOnly: number[] = [];
  const afterAnswer: number[] = [];
  const numbers: number[] = [];
  for (let i = 0; i < RUNS + WARM_UP; i++) {
    // Interleaved, so both see the same conditions.
    const job = bareJob(bareNamespace, i);
    const bareAt = performance.now();
    await kube.createJob(bareNamespace, job);
    const bareSeen = await jobs.seen(`bare ${job.metadata?.name}`);

    const at = performance.now();
    const run = await post(`${pipelines}/ci/runs`, { releaseType: 'default', environment: 'dev' });
    const answeredAt = performance.now();
    readers.push(follow(run.number));
    const seen = await jobs.seen(`run ${run.number}`);
    if (i < WARM_UP) continue;
    bare.push(bareSeen - bareAt);
    dispatch.push(seen - at);
    requestOnly.push(answeredAt - at);
    afterAnswer.push(seen - answeredAt);
    numbers.push(run.number);
  }
  const podToSse: number[] = [];
  for (const number of numbers) {
    const done = await stepsDone.seen(String(number), 120_000).catch(() => undefined);
    const at = await delivered.seen(String(number), 120_000).catch(() => undefined);
    if (done !== undefined && at !== undefined) podToSse.push(Math.max(0, at - done));
  }

  console.log(summary('bare create Job → ADDED', bare));
  console.log(summary('Run request → Job ADDED', dispatch));
  console.log(summary('  of which the POST /runs request (201)', requestOnly));
  console.log(summary('  of which 201 → Job ADDED (engine reconcile, create Job)', afterAnswer));
  console.log(summary('pod status change → SSE event at a viewer', podToSse));
  if (reconciles.length) console.log(summary('reconcile of a run (onReconcile)', reconciles));
  const bareP99 = percentile(bare, 99);
  const dispatchP99 = percentile(dispatch, 99);
  reportFigure({
    figure: 'Run request → Job object exists, p99',
    value: dispatchP99,
    unit: 'ms',
    goal: '≤ 100 ms',
    limit: 100,
  });
  reportFigure({
    figure: 'Run request → Job object exists ÷ bare create Job, p99',
    value: dispatchP99 / bareP99,
    unit: '×',
    goal: '≤ 1.5× a bare create Job',
    limit: 1.5,
    reference: `bare create Job → ADDED p99 ${bareP99.toFixed(1)} ms (p50 ${percentile(bare, 50).toFixed(1)} ms), same run`,
  });
  reportFigure({
    figure: 'pod status change → SSE event at a viewer, p99',
    value: percentile(podToSse, 99),
    unit: 'ms',
    goal: '≤ 300 ms',
    limit: 300,
  });
  stop.abort();
  await Promise.race([Promise.allSettled(readers), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await bench.close();
  for (const ns of [namespace, bareNamespace]) await kube.deleteNamespace(ns).catch(() => undefined);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

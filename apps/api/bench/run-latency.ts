// Benchmark: how fast the engine turns a Run request into a Kubernetes Job, and a pod's
// status change into an event on the run's event stream. Needs the local control plane
// (`./run kube:up`). Usage: node --import tsx apps/api/bench/run-latency.ts [runs=200]
import { randomBytes } from 'node:crypto';
import { createKubeClient, type V1Job, type V1Pod } from '@slipway/kube';
import { localKubeconfig, startBenchApp, summary } from './harness.ts';

const RUNS = Number(process.argv[2] ?? 200);
const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - name: make
            run: make
`;

async function main() {
  const kubeconfig = localKubeconfig();
  const kube = createKubeClient({ kubeconfig });
  const bench = await startBenchApp();
  const suffix = randomBytes(3).toString('hex');
  const ws = `bench-${suffix}`;
  const namespace = `${ws}-dev`;
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

  // Watches stamp when each Job appears and when each step's container terminates.
  const jobSeenAt = new Map<string, number>();
  const stepDoneAt = new Map<string, number>();
  const stop = new AbortController();
  void kube.watch<V1Job>(
    { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespace },
    {
      signal: stop.signal,
      onEvent: (event) => {
        const run = event.object.metadata?.labels?.['slipway.dev/run-number'];
        if (event.type === 'ADDED' && run && !jobSeenAt.has(run)) jobSeenAt.set(run, performance.now());
      },
    },
  );
  void kube.watch<V1Pod>(
    { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespace },
    {
      signal: stop.signal,
      onEvent: (event) => {
        const run = event.object.metadata?.labels?.['slipway.dev/run-number'];
        const make = event.object.status?.initContainerStatuses?.find((s) => s.name === 's0-make');
        if (run && make?.state?.terminated && !stepDoneAt.has(run)) stepDoneAt.set(run, performance.now());
      },
    },
  );

  // One event stream per run, reading `step` events of the make step as they arrive.
  const sseAt = new Map<string, number>();
  const readers: Promise<void>[] = [];
  const cookie = bench.admin.cookie;
  const address = await bench.app.listen({ port: 0, host: '127.0.0.1' });
  function follow(number: number) {
    return (async () => {
      const response = await fetch(`${address}${pipelines}/ci/runs/${number}/events`, {
        headers: { cookie },
      });
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      let text = '';
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
        if (/event: step\ndata: \{[^\n]*"name":"make"[^\n]*"status":"succeeded"/.test(text)) {
          sseAt.set(String(number), performance.now());
          await reader?.cancel();
          return;
        }
      }
    })();
  }

  const requestToJob: number[] = [];
  const started = new Map<string, number>();
  for (let i = 0; i < RUNS; i++) {
    const at = performance.now();
    const run = await post(`${pipelines}/ci/runs`, { releaseType: 'default', environment: 'dev' });
    started.set(String(run.number), at);
    readers.push(follow(run.number));
  }
  const deadline = Date.now() + 600_000;
  while ((jobSeenAt.size < RUNS || sseAt.size < RUNS) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  for (const [run, at] of started) {
    const seen = jobSeenAt.get(run);
    if (seen !== undefined) requestToJob.push(seen - at);
  }
  const podToSse: number[] = [];
  for (const [run, at] of stepDoneAt) {
    const delivered = sseAt.get(run);
    if (delivered !== undefined) podToSse.push(Math.max(0, delivered - at));
  }
  console.log(summary('Run request → Job object exists', requestToJob));
  console.log(summary('pod status change → SSE event', podToSse));
  stop.abort();
  await Promise.race([Promise.allSettled(readers), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await bench.close();
  await kube.deleteNamespace(namespace).catch(() => undefined);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

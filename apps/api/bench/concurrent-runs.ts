// Benchmark: many runs active at once on one cluster (KWOK simulates the pods). Prints whether
// they all complete, how many watches the API holds on the cluster (counted by the API server
// from its /metrics, over the watches there were before), the API's peak resident memory and
// the p99 of a reconcile. Needs the local control plane (`./run kube:up`).
// Usage: node --import tsx apps/api/bench/concurrent-runs.ts [runs=500]
import { randomBytes } from 'node:crypto';
import { createKubeClient } from '@slipway/kube';
import { apiServerWatches } from '@slipway/kube/testing';
import { pino } from 'pino';
import {
  localKubeconfig,
  percentile,
  reportFigure,
  ONE_STEP_SPEC as SPEC,
  startBenchApp,
  summary,
} from './harness.ts';

const RUNS = Number(process.argv[2] ?? 500);
const ENVIRONMENTS = ['dev', 'qa', 'staging', 'prod'];
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'rejected'];
const MiB = 1024 * 1024;

async function main() {
  const kubeconfig = localKubeconfig();
  const kube = createKubeClient({ kubeconfig });
  const reconciles: number[] = [];
  const bench = await startBenchApp({
    onReconcile: (_run, ms) => reconciles.push(ms),
    // Errors only (to stderr): why a request failed, if one does.
    logger: pino({ level: 'error' }, pino.destination(2)),
  });
  const suffix = randomBytes(3).toString('hex');
  const ws = `many-${suffix}`;
  const post = async (url: string, payload: object) => {
    const response = await bench.admin.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json() as { number: number };
  };
  await post('/api/v1/clusters', { name: `bench-${suffix}`, kubeconfig });
  await post('/api/v1/workspaces', { slug: ws, name: ws });
  await post(`/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' });
  for (const name of ENVIRONMENTS) {
    await post(`/api/v1/workspaces/${ws}/environments`, { name, cluster: `bench-${suffix}` });
  }
  const pipelines = `/api/v1/workspaces/${ws}/projects/app/pipelines`;
  await post(pipelines, { name: 'ci', spec: SPEC });

  // Everyone else's watches (controller-manager, scheduler, KWOK), before any run.
  const before = [await apiServerWatches(kube), await apiServerWatches(kube), await apiServerWatches(kube)];
  const baseline = (resource: string) => Math.max(...before.map((s) => s[resource] ?? 0));
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > rssPeak) {
      rssPeak = usage.rss;
      atPeak = usage;
    }
  }, 50);

  const startedAt = performance.now();
  let next = 0;
  /** Run requests answered 5xx (then retried): none is acceptable, so they are reported. */
  const serverErrors: string[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < RUNS) {
        const index = next++;
        for (let attempt = 1; ; attempt++) {
          const response = await bench.admin.request({
            method: 'POST',
            url: `${pipelines}/ci/runs`,
            payload: { releaseType: 'default', environment: ENVIRONMENTS[index % ENVIRONMENTS.length] },
          });
          if (response.statusCode === 201) break;
          if (response.statusCode < 500 || attempt === 5) {
            throw new Error(`run ${index}: ${response.statusCode} ${response.body}`);
          }
          serverErrors.push(response.body);
        }
      }
    }),
  );
  const requestedAt = performance.now();

  const most = { jobs: 0, pods: 0 };
  let statuses: string[] = [];
  const deadline = Date.now() + 20 * 60_000;
  while (Date.now() < deadline) {
    const watches = await apiServerWatches(kube);
    most.jobs = Math.max(most.jobs, (watches.jobs ?? 0) - baseline('jobs'));
    most.pods = Math.max(most.pods, (watches.pods ?? 0) - baseline('pods'));
    statuses = (
      await bench.db.prisma.pipelineRun.findMany({
        where: { pipeline: { name: 'ci', project: { slug: 'app', workspace: { slug: ws } } } },
        select: { status: true },
      })
    ).map((r) => r.status);
    if (statuses.length === RUNS && statuses.every((s) => TERMINAL.includes(s))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const finishedAt = performance.now();
  clearInterval(sampler);
  const succeeded = statuses.filter((s) => s === 'succeeded').length;

  console.log(
    `${RUNS} runs in ${ENVIRONMENTS.length} namespaces: requested in ${((requestedAt - startedAt) / 1000).toFixed(1)} s, all ended after ${((finishedAt - startedAt) / 1000).toFixed(1)} s; ${succeeded} succeeded`,
  );
  if (serverErrors.length > 0) {
    console.log(`Run requests answered 5xx (retried): ${serverErrors.length}, e.g. ${serverErrors[0]}`);
  }
  console.log(`watches the API added on the cluster (most seen): jobs ${most.jobs}, pods ${most.pods}`);
  console.log(
    `API RSS: ${(rssBefore / MiB).toFixed(0)} MiB before, ${(rssPeak / MiB).toFixed(0)} MiB at peak (then: JS heap ${(atPeak.heapUsed / MiB).toFixed(0)} of ${(atPeak.heapTotal / MiB).toFixed(0)} MiB, external ${(atPeak.external / MiB).toFixed(0)} MiB, array buffers ${(atPeak.arrayBuffers / MiB).toFixed(0)} MiB)`,
  );
  reportFigure({
    figure: `${RUNS} runs at once on one cluster: runs that succeeded`,
    value: succeeded,
    unit: 'runs',
    goal: `all ${RUNS} complete`,
    limit: RUNS,
    atLeast: true,
  });
  reportFigure({
    figure: `${RUNS} runs at once: watches the API holds on the cluster, per kind (Jobs, Pods)`,
    value: Math.max(most.jobs, most.pods),
    unit: 'watches',
    goal: '1 per kind per cluster',
    limit: 1,
    reference: `apiserver_longrunning_requests{verb="WATCH"} over the baseline: jobs ${most.jobs}, pods ${most.pods}`,
  });
  reportFigure({
    figure: `${RUNS} runs at once: API resident memory at peak`,
    value: rssPeak / MiB,
    unit: 'MiB',
    goal: '≤ 400 MiB',
    limit: 400,
  });
  if (reconciles.length > 0) {
    console.log(summary('reconcile of a run (onReconcile)', reconciles));
    reportFigure({
      figure: `${RUNS} runs at once: reconcile p99`,
      value: percentile(reconciles, 99),
      unit: 'ms',
      goal: '≤ 50 ms',
      limit: 50,
    });
  } else {
    console.log('reconcile p99: not measured (the engine does not report onReconcile)');
  }
  await bench.close();
  for (const name of ENVIRONMENTS) await kube.deleteNamespace(`${ws}-${name}`).catch(() => undefined);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Benchmark: how long from a developer's Run click (POST /runs of a pipeline whose only job
// deploys) until the first object of the release exists in the cluster, against a bare
// server-side apply of the same Deployment measured in the same run on the same kind of
// watch. The deploy path adds the run, the release, rendering, the dry run of every object
// and the ConfigMap before the first apply, so the ratio says what those cost. Each deploy
// starts once the one before it has ended (deploys into an environment queue, one at a time).
// Needs the local control plane (`./run kube:up`).
// Usage: node --import tsx apps/api/bench/deploy-latency.ts [deploys=30]
import { randomBytes } from 'node:crypto';
import { createKubeClient, type KubernetesObject } from '@slipway/kube';
import { localKubeconfig, percentile, reportFigure, startBenchApp, summary } from './harness.ts';

const DEPLOYS = Number(process.argv[2] ?? 30);
const WARM_UP = 3;

/** Each run deploys a Deployment of its own name, so every deploy creates its first object. */
const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-\${{ run.number }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web-\${{ run.number }}
  template:
    metadata:
      labels:
        app: web-\${{ run.number }}
    spec:
      containers:
        - name: web
          image: \${{ release.image }}
          volumeMounts:
            - name: config
              mountPath: /etc/web
      volumes:
        - name: config
          configMap:
            name: \${{ release.config.web-config }}
`;

const SPEC = `stages:
  - name: deploy
    jobs:
      - name: web
        steps:
          - deploy:
              manifests: web
              image: registry.example.com/bench/web:\${{ run.number }}
              config: [web-config]
              timeout: 2m
`;

function bareDeployment(namespace: string, index: number): KubernetesObject {
  const name = `bare-${index}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: `registry.example.com/bench/web:${index}` }] },
      },
    },
  } as KubernetesObject;
}

async function main() {
  const kubeconfig = localKubeconfig();
  const kube = createKubeClient({ kubeconfig });
  const bench = await startBenchApp();
  const suffix = randomBytes(3).toString('hex');
  const ws = `deploy-${suffix}`;
  const namespace = `${ws}-dev`;
  const bareNamespace = `${ws}-bare`;
  const post = async (url: string, payload: object) => {
    const response = await bench.admin.request({ method: 'POST', url, payload });
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json() as { number: number };
  };
  const project = `/api/v1/workspaces/${ws}/projects/app`;
  await post('/api/v1/clusters', { name: `bench-${suffix}`, kubeconfig });
  await post('/api/v1/workspaces', { slug: ws, name: ws });
  await post(`/api/v1/workspaces/${ws}/projects`, { slug: 'app', name: 'app' });
  await post(`/api/v1/workspaces/${ws}/environments`, { name: 'dev', cluster: `bench-${suffix}` });
  await post(`${project}/manifest-sets`, { name: 'web', files: { 'web.yaml': MANIFEST } });
  await post(`${project}/config-sets`, { name: 'web-config' });
  await post(`${project}/config-sets/web-config/environments/dev/versions`, {
    data: { 'app.yml': 'a: 1\n' },
  });
  await post(`${project}/pipelines`, { name: 'deploy', spec: SPEC });
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: bareNamespace } });

  const seenAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const see = (key: string) => {
    if (seenAt.has(key)) return;
    seenAt.set(key, performance.now());
    waiters.get(key)?.();
  };
  const seen = async (key: string) => {
    if (!seenAt.has(key)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`never saw ${key}`)), 120_000);
        waiters.set(key, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return seenAt.get(key) as number;
  };
  const stop = new AbortController();
  for (const ns of [namespace, bareNamespace]) {
    void kube.watch<KubernetesObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespace: ns },
      {
        signal: stop.signal,
        onEvent: (event) => {
          if (event.type === 'ADDED') see(`${ns}/${event.object.metadata?.name}`);
        },
      },
    );
  }

  /** Polls the run until it has ended (its release succeeded or failed). */
  async function runEnded(number: number): Promise<void> {
    for (;;) {
      const response = await bench.admin.request({
        method: 'GET',
        url: `${project}/pipelines/deploy/runs/${number}`,
      });
      const status = (response.json() as { status: string }).status;
      if (['succeeded', 'failed', 'cancelled', 'rejected'].includes(status)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const bare: number[] = [];
  const deploy: number[] = [];
  for (let i = 0; i < DEPLOYS + WARM_UP; i++) {
    const object = bareDeployment(bareNamespace, i);
    const bareAt = performance.now();
    await kube.apply(object);
    const bareSeen = await seen(`${bareNamespace}/${object.metadata?.name}`);

    const at = performance.now();
    const run = await post(`${project}/pipelines/deploy/runs`, {
      releaseType: 'default',
      environment: 'dev',
    });
    const applied = await seen(`${namespace}/web-${run.number}`);
    // One deploy at a time per environment: the next sample starts once this release has
    // ended, so the figure is the latency of an idle environment, not a wait in its queue.
    await runEnded(run.number);
    if (i < WARM_UP) continue;
    bare.push(bareSeen - bareAt);
    deploy.push(applied - at);
  }
  console.log(summary('bare server-side apply → ADDED', bare));
  console.log(summary('Run request → first object of the release ADDED', deploy));
  const bareP50 = percentile(bare, 50);
  reportFigure({
    figure: 'Run click → first object applied, p50',
    value: percentile(deploy, 50),
    unit: 'ms',
    goal: 'reported (no limit set)',
  });
  reportFigure({
    figure: 'Run click → first object applied, p99',
    value: percentile(deploy, 99),
    unit: 'ms',
    goal: 'reported (no limit set)',
    reference: `bare server-side apply → ADDED p50 ${bareP50.toFixed(1)} ms, p99 ${percentile(bare, 99).toFixed(1)} ms, same run`,
  });
  stop.abort();
  await bench.close();
  for (const ns of [namespace, bareNamespace]) await kube.deleteNamespace(ns).catch(() => undefined);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

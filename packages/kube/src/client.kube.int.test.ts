import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  clusterSkipReason,
  compactEtcdHistory,
  createTestNamespace,
  eventually,
  restartApiServer,
  testKubeconfig,
} from '../test/cluster.ts';
import {
  createKubeClient,
  type KubeClient,
  KubeError,
  type V1Deployment,
  type V1Job,
  type WatchEvent,
} from './index.ts';

function kubeconfigWithToken(server: string, caData: string | undefined, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'c', cluster: { server, ...(caData ? { 'certificate-authority-data': caData } : {}) } },
    ],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

function job(name: string, lines: string[]): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'slipway.dev/test': 'true' } },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'slipway.dev/job': name } },
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: 'step-1', image: 'busybox', command: ['sh', '-c', lines.join('; ')] }],
          containers: [{ name: 'done', image: 'busybox', command: ['true'] }],
        },
      },
    },
  };
}

async function collect(stream: NodeJS.ReadableStream, until: (text: string) => boolean, timeoutMs = 60_000) {
  let text = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`log did not show the expected text; got: ${text}`)),
      timeoutMs,
    );
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (until(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe.skipIf(clusterSkipReason())('Kubernetes client against the local control plane', () => {
  let kube: KubeClient;
  let namespace: string;
  let versionBeforeRestart: string | undefined;

  beforeAll(async () => {
    kube = adminClient();
    namespace = await createTestNamespace(kube, 'kube');
  });
  afterAll(async () => {
    await kube?.deleteNamespace(namespace);
  });

  it('reads the server version and a Ready KWOK node', async () => {
    const version = await kube.serverVersion();
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    const nodes = await kube.listNodes();
    const ready = nodes.filter((node) =>
      node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.length).toBeGreaterThanOrEqual(1);
  });

  it('reports what the admin credentials may do', async () => {
    const results = await kube.canI([
      { verb: 'create', resource: 'namespaces' },
      { verb: 'create', resource: 'jobs', group: 'batch', namespace },
      { verb: 'get', resource: 'pods', subresource: 'log', namespace },
    ]);
    expect(results.every((r) => r.allowed)).toBe(true);
  });

  it('authenticates with exec credentials (a credential plugin printing an ExecCredential)', async () => {
    const stateDir = path.dirname(process.env.SLIPWAY_TEST_KUBECONFIG ?? '');
    const token = (await readFile(path.join(stateDir, 'admin.token'), 'utf8')).trim();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-exec-'));
    const plugin = path.join(dir, 'credential-plugin.sh');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token },
    };
    await writeFile(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`, { mode: 0o755 });
    const kc = new KubeConfig();
    kc.loadFromString(testKubeconfig());
    const cluster = kc.getCurrentCluster();
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'c', cluster: { server: cluster?.server, 'certificate-authority-data': cluster?.caData } },
      ],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: plugin,
              interactiveMode: 'Never',
            },
          },
        },
      ],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    });
    const viaPlugin = createKubeClient({ kubeconfig });
    expect((await viaPlugin.listNodes()).length).toBeGreaterThanOrEqual(1);
  });

  it('maps a token without rights to 403 naming verb and resource', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(testKubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'nobody' } } });
    const token = await eventually('a service account token', async () => {
      try {
        return (
          await core.createNamespacedServiceAccountToken({
            namespace,
            name: 'nobody',
            body: { spec: { audiences: [], expirationSeconds: 600 } },
          })
        ).status?.token;
      } catch {
        return undefined;
      }
    });
    const cluster = kc.getCurrentCluster();
    const weak = createKubeClient({
      kubeconfig: kubeconfigWithToken(cluster?.server ?? '', cluster?.caData, token),
    });
    const access = await weak.canI([{ verb: 'create', resource: 'jobs', group: 'batch', namespace }]);
    expect(access[0]?.allowed).toBe(false);
    const error = await weak.listNodes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect((error as KubeError).statusCode).toBe(403);
    expect((error as KubeError).message).toMatch(/not allowed to list nodes: .*cannot list resource "nodes"/);
  });

  it('fails fast with 502 for a wrong address and 504 for a server that never answers', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    const refused = createKubeClient(
      { kubeconfig: kubeconfigWithToken(`https://127.0.0.1:${closed}`, undefined, 'x') },
      { timeoutMs: 3_000 },
    );
    let started = Date.now();
    const refusedError = (await refused.serverVersion().catch((e: unknown) => e)) as KubeError;
    expect(refusedError).toBeInstanceOf(KubeError);
    expect(refusedError.statusCode).toBe(502);
    expect(refusedError.message).toMatch(/cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+/);
    expect(Date.now() - started).toBeLessThan(3_000);

    const silent = net.createServer(() => {
      // accept and say nothing
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const hanging = createKubeClient(
      { kubeconfig: kubeconfigWithToken(`https://127.0.0.1:${port}`, undefined, 'x') },
      { timeoutMs: 1_000 },
    );
    started = Date.now();
    const timeout = (await hanging.serverVersion().catch((e: unknown) => e)) as KubeError;
    silent.close();
    expect(timeout.statusCode).toBe(504);
    expect(timeout.message).toMatch(/did not answer within 1s/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('returns the field path when the API server rejects an object', async () => {
    const invalid = job('Invalid_Name', ['echo']);
    invalid.metadata = { ...invalid.metadata, name: 'Invalid_Name', namespace };
    const error = (await kube.createJob(namespace, invalid).catch((e: unknown) => e)) as KubeError;
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'metadata.name' })]),
    );
    expect(error.message).toMatch(/Kubernetes rejected create job/);
  });

  it('runs a Job to completion under KWOK, watching its events in order, and reads its logs', async () => {
    const events: WatchEvent<V1Job>[] = [];
    const stop = new AbortController();
    const watching = kube.watch<V1Job>(
      { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespace },
      { signal: stop.signal, onEvent: (event) => events.push(event) },
    );
    await kube.createJob(namespace, job('hello', ['echo hello from step one']));
    await eventually('the job to succeed', async () =>
      events.some((e) => e.object.metadata?.name === 'hello' && (e.object.status?.succeeded ?? 0) >= 1)
        ? true
        : undefined,
    );
    stop.abort();
    await watching;
    const mine = events.filter((e) => e.object.metadata?.name === 'hello');
    expect(mine[0]?.type).toBe('ADDED');
    const versions = mine.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(
      mine.at(-1)?.object.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'),
    ).toBe(true);

    const [pod] = await kube.listPods(namespace, 'slipway.dev/job=hello');
    expect(pod?.status?.phase).toBe('Succeeded');
    const log = await kube.podLogs({ namespace, pod: pod?.metadata?.name ?? '', container: 'step-1' });
    expect((await collect(log, (text) => text.length > 0)).length).toBeGreaterThan(0);
    const followed = await kube.podLogs(
      { namespace, pod: pod?.metadata?.name ?? '', container: 'done' },
      { follow: true },
    );
    const text = await collect(followed, (t) => t.split('\n').length > 1);
    followed.destroy();
    expect(text.length).toBeGreaterThan(0);
  });

  it('observes a Deployment roll out to Available', async () => {
    const deployment: V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    };
    await kube.apply(deployment);
    const available = await eventually('the deployment to become Available', async () => {
      const current = await kube.getDeployment(namespace, 'web');
      const condition = current?.status?.conditions?.find((c) => c.type === 'Available');
      return condition?.status === 'True' && current?.status?.availableReplicas === 2 ? current : undefined;
    });
    expect(available.status?.readyReplicas).toBe(2);
    const managers = available.metadata?.managedFields?.map((f) => f.manager);
    expect(managers).toContain('slipway');
  });

  it('keeps watching across an API server restart', async () => {
    const seen: string[] = [];
    const recoveries: string[] = [];
    const stop = new AbortController();
    const watching = kube.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespace },
      {
        signal: stop.signal,
        maxBackoffMs: 1_000,
        onEvent: (event) => seen.push(`${event.type} ${event.object.metadata?.name}`),
        onRecover: (reason) => recoveries.push(reason),
      },
    );
    const configMap = (name: string): KubernetesObject & { data: Record<string, string> } => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
      data: { a: '1' },
    });
    const before = await kube.apply(configMap('before-restart'));
    versionBeforeRestart = before.metadata?.resourceVersion;
    await eventually('the first event', async () =>
      seen.includes('ADDED before-restart') ? true : undefined,
    );

    // As kube-apiserver itself does every few minutes: compact etcd's history past
    // `versionBeforeRestart`, so the restarted server cannot serve a watch from it.
    await kube.apply(configMap('moves-history-on'));
    await compactEtcdHistory();
    await restartApiServer();
    await eventually('the API server to come back', () => kube.serverVersion().then(() => true), 60_000);
    await kube.apply(configMap('after-restart'));
    await eventually(
      'an event after the restart',
      async () => (seen.includes('ADDED after-restart') ? true : undefined),
      30_000,
    );
    stop.abort();
    await watching;
    expect(recoveries.length).toBeGreaterThanOrEqual(1);
    expect(seen.filter((s) => s === 'ADDED before-restart')).toHaveLength(1);
  });

  it('relists when the history to resume from is gone (410) and reports what exists', async () => {
    // Saved before the restart in the previous test; etcd's history has been compacted since.
    expect(versionBeforeRestart).toBeDefined();
    const seen: string[] = [];
    const recoveries: string[] = [];
    const restarts: string[] = [];
    const stop = new AbortController();
    // A client telling about watch restarts (metrics), by the resource watched.
    const counted = adminClient({ onWatchRestart: (resource) => restarts.push(resource) });
    const watching = counted.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespace },
      {
        signal: stop.signal,
        resumeFrom: versionBeforeRestart,
        onEvent: (event) => seen.push(`${event.type} ${event.object.metadata?.name}`),
        onRecover: (reason) => recoveries.push(reason),
      },
    );
    await eventually('the relisted object', async () =>
      seen.includes('ADDED after-restart') ? true : undefined,
    );
    stop.abort();
    await watching;
    expect(recoveries).toContain('410 Gone: relisting');
    expect(restarts).toEqual(recoveries.map(() => 'configmaps'));
  });
});

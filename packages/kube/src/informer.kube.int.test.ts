// The informer against the real control plane: its cache converges on what the API server
// holds across namespaces, and after a watch that cannot resume (410 Gone) it relists and
// reports what it missed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  clusterSkipReason,
  compactEtcdHistory,
  createTestNamespace,
  eventually,
  restartApiServer,
} from '../test/cluster.ts';
import { createKubeClient, type KubeClient, type V1Job, withoutManagedFields } from './index.ts';

const RUN_LABEL = 'slipway.dev/run';

/** A suspended Job (no pods) labelled with a run id. */
function job(namespace: string, name: string, run: string): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels: { [RUN_LABEL]: run } },
    spec: {
      suspend: true,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] },
      },
    },
  };
}

/** A TCP relay to the API server that can cut every connection and refuse new ones. */
async function startRelay(upstream: URL) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const target = net.connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(target).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    reopen() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(clusterSkipReason())('informer against the local control plane', () => {
  let kube: KubeClient;
  const namespaces: string[] = [];

  beforeAll(async () => {
    kube = adminClient();
    namespaces.push(await createTestNamespace(kube, 'inf'), await createTestNamespace(kube, 'inf'));
  });
  afterAll(async () => {
    for (const namespace of namespaces) await kube?.deleteNamespace(namespace);
  });

  it('lists what exists, then follows creates, updates and deletes in every namespace', async () => {
    const [a, b] = namespaces as [string, string];
    await kube.createJob(a, job(a, 'before', 'run-1'));
    await kube.createJob(a, { ...job(a, 'unlabelled', 'x'), metadata: { name: 'unlabelled', namespace: a } });
    const informer = kube.informer<V1Job>({
      target: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', labelSelector: RUN_LABEL },
      indexers: { run: (object) => [object.metadata?.labels?.[RUN_LABEL] ?? ''] },
      transform: withoutManagedFields,
    });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata?.namespace}/${o.metadata?.name}`),
      onUpdate: (o, previous) =>
        seen.push(
          `update ${o.metadata?.name} ${previous.metadata?.annotations?.v ?? '-'}→${o.metadata?.annotations?.v}`,
        ),
      onDelete: (o) => seen.push(`delete ${o.metadata?.namespace}/${o.metadata?.name}`),
    });
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await informer.waitForSync();
    try {
      expect(informer.hasSynced()).toBe(true);
      expect(informer.get(a, 'before')?.metadata?.labels?.[RUN_LABEL]).toBe('run-1');
      expect(informer.get(a, 'unlabelled')).toBeUndefined();
      // Cached as transformed: without the server-side apply bookkeeping.
      expect(informer.get(a, 'before')?.metadata?.uid).toBeDefined();
      expect(informer.get(a, 'before')?.metadata?.managedFields).toBeUndefined();

      await kube.createJob(b, job(b, 'other-ns', 'run-2'));
      await kube.createJob(a, job(a, 'second', 'run-2'));
      await eventually('both creates in the cache', async () =>
        informer.byIndex('run', 'run-2').length === 2 ? true : undefined,
      );
      expect(
        informer
          .byIndex('run', 'run-2')
          .map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`)
          .sort(),
      ).toEqual([`${a}/second`, `${b}/other-ns`].sort());

      await kube.mergePatch({
        ...job(a, 'before', 'run-1'),
        metadata: { name: 'before', namespace: a, annotations: { v: '2' } },
      });
      await eventually('the update in the cache', async () =>
        informer.get(a, 'before')?.metadata?.annotations?.v === '2' ? true : undefined,
      );
      await kube.deleteJob(b, 'other-ns');
      await eventually('the delete in the cache', async () =>
        informer.get(b, 'other-ns') === undefined ? true : undefined,
      );
      expect(informer.byIndex('run', 'run-2').map((o) => o.metadata?.name)).toEqual(['second']);
      expect(seen).toContain(`add ${a}/before`);
      expect(seen).toContain('update before -→2');
      expect(seen).toContain(`delete ${b}/other-ns`);
      expect(seen.some((s) => s.includes('unlabelled'))).toBe(false);
    } finally {
      informer.stop();
    }
  });

  it('relists after a watch that cannot resume (410 Gone) and reports what it missed', async () => {
    const [a] = namespaces as [string];
    const upstream = new URL(kube.server);
    const relay = await startRelay(upstream);
    const kubeconfig = JSON.parse(kube.kubeConfig.exportConfig()) as {
      clusters: { cluster: { server: string } }[];
    };
    for (const entry of kubeconfig.clusters) entry.cluster.server = `https://127.0.0.1:${relay.port}`;
    const relayed = createKubeClient({ kubeconfig: JSON.stringify(kubeconfig) });
    await kube.createJob(a, job(a, 'kept', 'run-9'));
    await kube.createJob(a, job(a, 'deleted-while-away', 'run-9'));
    const recoveries: string[] = [];
    const deleted: string[] = [];
    const informer = relayed.informer<V1Job>({
      target: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', labelSelector: RUN_LABEL },
      maxBackoffMs: 500,
      onRecover: (reason) => recoveries.push(reason),
    });
    informer.addEventHandler({ onDelete: (o) => deleted.push(o.metadata?.name ?? '') });
    informer.start();
    await informer.waitForSync();
    try {
      expect(informer.get(a, 'deleted-while-away')).toBeDefined();

      // Away: the informer's watch is cut; meanwhile objects change, etcd's history is
      // compacted past the informer's resourceVersion and the API server restarts (its
      // watch cache starts from now), so the watch cannot resume.
      relay.cut();
      await kube.deleteJob(a, 'deleted-while-away');
      await kube.mergePatch({
        ...job(a, 'kept', 'run-9'),
        metadata: { name: 'kept', namespace: a, annotations: { v: 'away' } },
      });
      await kube.createJob(a, job(a, 'created-while-away', 'run-9'));
      await compactEtcdHistory();
      await restartApiServer();
      relay.reopen();

      await eventually(
        'the cache to match the cluster again',
        async () =>
          informer.get(a, 'deleted-while-away') === undefined &&
          informer.get(a, 'created-while-away') !== undefined &&
          informer.get(a, 'kept')?.metadata?.annotations?.v === 'away'
            ? true
            : undefined,
        60_000,
      );
      expect(recoveries).toContain('410 Gone: relisting');
      expect(deleted).toEqual(['deleted-while-away']);
      expect(informer.hasSynced()).toBe(true);
    } finally {
      informer.stop();
      await relay.close();
    }
  });
});

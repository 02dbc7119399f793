// One kube executor per registered cluster, so each cluster has one shared watch (informer)
// whatever the number of environments, namespaces and runs on it.
import type { ClusterClients, ClusterCredentials } from '../../clusters/cluster-clients.ts';
import type { Executor } from './executor.ts';
import { createKubeExecutor, type KubeExecutor } from './kube-executor.ts';

/**
 * The kube executors of every cluster, cached by cluster id. A cluster whose row changed
 * (`updatedAt`: new kubeconfig or context) gets a new executor and the old one's informer
 * stops; `stopAll()` stops every informer (server shutdown).
 */
export function createKubeExecutors(deps: {
  clients: ClusterClients;
  onRecover?: (clusterId: string, reason: string) => void;
  /** See `createKubeExecutor`'s `readIdleMs`. */
  readIdleMs?: number;
}) {
  const cache = new Map<string, { version: number; executor: KubeExecutor }>();
  return {
    forCluster(cluster: ClusterCredentials): Executor {
      const version = cluster.updatedAt.getTime();
      const cached = cache.get(cluster.id);
      if (cached && cached.version === version) return cached.executor;
      cached?.executor.close();
      const executor = createKubeExecutor({
        kube: deps.clients.clientFor(cluster),
        onRecover: (reason) => deps.onRecover?.(cluster.id, reason),
        ...(deps.readIdleMs !== undefined ? { readIdleMs: deps.readIdleMs } : {}),
      });
      cache.set(cluster.id, { version, executor });
      return executor;
    },
    stopAll(): void {
      for (const { executor } of cache.values()) executor.close();
      cache.clear();
    },
  };
}

export type KubeExecutors = ReturnType<typeof createKubeExecutors>;

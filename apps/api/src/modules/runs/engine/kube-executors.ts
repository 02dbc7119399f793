import type { ClusterClients, ClusterCredentials } from '../../clusters/cluster-clients.ts';
import type { Executor } from './executor.ts';
import { createKubeExecutor } from './kube-executor.ts';

/**
 * One Kubernetes executor per registered cluster, cached by cluster id and rebuilt when the
 * cluster's row changes (`updatedAt`). A minimal version so the engine can choose the
 * executor recorded on each job; the informer part replaces it (same exports) with one whose
 * executors share one watch per cluster.
 */
export function createKubeExecutors(deps: { clients: ClusterClients }) {
  const cache = new Map<string, { version: number; executor: Executor }>();
  return {
    forCluster(cluster: ClusterCredentials): Executor {
      const version = cluster.updatedAt.getTime();
      const cached = cache.get(cluster.id);
      if (cached && cached.version === version) return cached.executor;
      const executor = createKubeExecutor({ kube: deps.clients.clientFor(cluster) });
      cache.set(cluster.id, { version, executor });
      return executor;
    },
    stopAll(): void {
      cache.clear();
    },
  };
}

export type KubeExecutors = ReturnType<typeof createKubeExecutors>;

import { type ClusterSource, createKubeClient, type KubeClient } from '@slipway/kube';
import type { SecretBox } from '../../lib/secret-box.ts';

/** The columns of a cluster row a client is made from (`updatedAt` tells a changed row). */
export interface ClusterCredentials {
  id: string;
  inCluster: boolean;
  kubeconfigEncrypted: string | null;
  context: string | null;
  updatedAt: Date;
}

/**
 * One Kubernetes client per registered cluster, rebuilt when the cluster's row changes
 * (new kubeconfig or context); the kubeconfig is decrypted only here.
 */
export function createClusterClients(deps: {
  secrets: SecretBox;
  timeoutMs: number;
  /** Told when a watch on any cluster restarts, with the resource it watches (metrics). */
  onWatchRestart?: ((resource: string) => void) | undefined;
}) {
  const cache = new Map<string, { version: number; client: KubeClient }>();

  function sourceOf(cluster: ClusterCredentials): ClusterSource {
    if (cluster.inCluster || !cluster.kubeconfigEncrypted) return { inCluster: true };
    return {
      kubeconfig: deps.secrets.decrypt(cluster.kubeconfigEncrypted),
      context: cluster.context ?? undefined,
    };
  }

  return {
    clientFor(cluster: ClusterCredentials): KubeClient {
      const version = cluster.updatedAt.getTime();
      const cached = cache.get(cluster.id);
      if (cached && cached.version === version) return cached.client;
      const client = createKubeClient(sourceOf(cluster), {
        timeoutMs: deps.timeoutMs,
        ...(deps.onWatchRestart ? { onWatchRestart: deps.onWatchRestart } : {}),
      });
      cache.set(cluster.id, { version, client });
      return client;
    },
    forget(clusterId: string): void {
      cache.delete(clusterId);
    },
  };
}

export type ClusterClients = ReturnType<typeof createClusterClients>;

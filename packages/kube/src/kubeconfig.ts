import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from './errors.ts';

export type ClusterSource = { kubeconfig: string; context?: string | undefined } | { inCluster: true };

/** Loads a kubeconfig text (token, client certificate and exec credentials all work) or the in-cluster account. */
export function loadKubeConfig(source: ClusterSource): KubeConfig {
  const kc = new KubeConfig();
  if ('inCluster' in source) {
    kc.loadFromCluster();
    return kc;
  }
  try {
    kc.loadFromString(source.kubeconfig);
  } catch (error) {
    throw new KubeError(400, `kubeconfig is not valid YAML: ${(error as Error).message}`, {
      details: [{ field: 'body.kubeconfig', message: 'not a valid kubeconfig' }],
    });
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      throw new KubeError(400, `kubeconfig has no context "${source.context}"`, {
        details: [
          {
            field: 'body.context',
            message: `not one of: ${
              kc
                .getContexts()
                .map((c) => c.name)
                .join(', ') || 'none'
            }`,
          },
        ],
      });
    }
    kc.setCurrentContext(source.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeError(400, 'kubeconfig names no cluster server for its current context', {
      details: [{ field: 'body.kubeconfig', message: 'no current context with a cluster server' }],
    });
  }
  return kc;
}

export /** A copy of the kubeconfig whose current user acts as `user` (client-node's `impersonateUser`). */
function impersonatedConfig(kc: KubeConfig, user: string): KubeConfig {
  const current = kc.getCurrentUser()?.name;
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers().map((u) => (u.name === current ? { ...u, impersonateUser: user } : u)),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return copy;
}

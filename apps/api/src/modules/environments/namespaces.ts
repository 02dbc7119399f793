import { DEPLOYER_SERVICE_ACCOUNT, type KubeClient } from '@slipway/kube';
import { BadRequestError, ConflictError } from '../../lib/errors.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const WORKSPACE_LABEL = 'slipway.dev/workspace';
export const ENVIRONMENT_LABEL = 'slipway.dev/environment';

/** `<workspace>-<environment>`, cut to a valid 63-character label. */
export function defaultNamespace(workspace: string, environment: string): string {
  return `${workspace}-${environment}`.slice(0, 63).replace(/-+$/, '');
}

/** Namespaces that belong to the cluster itself, never to an environment. */
export function assertNamespaceUsable(namespace: string): void {
  if (namespace === 'default' || namespace.startsWith('kube-')) {
    throw new BadRequestError(`namespace "${namespace}" belongs to the cluster itself; choose another`, [
      { field: 'body.namespace', message: 'reserved by Kubernetes' },
    ]);
  }
}

/**
 * Makes sure the namespace exists and carries Slipway's labels for this workspace.
 * A namespace labelled for another workspace is refused; an unlabelled one is adopted.
 */
export async function ensureNamespace(
  kube: KubeClient,
  target: { namespace: string; workspace: string; environment: string; cluster: string },
): Promise<void> {
  const existing = await kube.getNamespace(target.namespace);
  const owner = existing?.metadata?.labels?.[WORKSPACE_LABEL];
  if (owner && owner !== target.workspace) {
    throw new ConflictError(
      `namespace "${target.namespace}" on cluster "${target.cluster}" belongs to workspace "${owner}"`,
      [{ field: 'body.namespace', message: `owned by workspace "${owner}"` }],
    );
  }
  await kube.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: target.namespace,
      labels: {
        [MANAGED_BY_LABEL]: 'slipway',
        [WORKSPACE_LABEL]: target.workspace,
        [ENVIRONMENT_LABEL]: target.environment,
      },
    },
  });
}

/**
 * The ClusterRole a deploy's service account gets in its namespace: Kubernetes' built-in
 * user-facing `edit` role (read/write of most namespaced objects, no Roles/RoleBindings).
 */
export const DEPLOYER_CLUSTER_ROLE = 'edit';

/**
 * Makes sure the namespace has the deployer: ServiceAccount `slipway-deployer` and a RoleBinding
 * `slipway-deployer` granting it the ClusterRole `edit` in this namespace only. Deploys impersonate
 * it (`deployerUser(namespace)`), so a manifest naming another namespace or a cluster-scoped kind
 * is refused by Kubernetes RBAC. Idempotent (server-side apply), safe before every deploy.
 * Slipway's own credentials need to create both and to `bind` (or hold) the `edit` role.
 */
export async function ensureDeployer(kube: KubeClient, namespace: string): Promise<void> {
  const labels = { [MANAGED_BY_LABEL]: 'slipway' };
  await kube.applyObject({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace, labels },
  });
  await kube.applyObject({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: DEPLOYER_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: DEPLOYER_SERVICE_ACCOUNT, namespace }],
  });
}

/** Deletes the namespace only if it is this workspace's (never someone else's). */
export async function deleteOwnedNamespace(
  kube: KubeClient,
  namespace: string,
  workspace: string,
): Promise<boolean> {
  const existing = await kube.getNamespace(namespace);
  if (!existing) return false;
  if (existing.metadata?.labels?.[WORKSPACE_LABEL] !== workspace) {
    throw new ConflictError(
      `namespace "${namespace}" is not labelled as workspace "${workspace}"'s; left in place`,
    );
  }
  await kube.deleteNamespace(namespace);
  return true;
}

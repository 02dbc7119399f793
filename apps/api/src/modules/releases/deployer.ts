import { DEPLOYER_SERVICE_ACCOUNT, type KubeClient } from '@slipway/kube';

/**
 * The namespace's deployer: ServiceAccount `slipway-deployer` and a RoleBinding of it to the
 * ClusterRole `edit` in the namespace, by server-side apply (idempotent). Releases act as it
 * (impersonation), so Kubernetes itself refuses objects of other namespaces and cluster-scoped
 * kinds. (Same objects as the environments module makes with the namespace.)
 */
export async function ensureDeployer(kube: KubeClient, namespace: string): Promise<void> {
  const labels = { 'app.kubernetes.io/managed-by': 'slipway' };
  await kube.applyObject({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace, labels },
  });
  await kube.applyObject({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: DEPLOYER_SERVICE_ACCOUNT, namespace, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'ServiceAccount', name: DEPLOYER_SERVICE_ACCOUNT, namespace }],
  });
}

/**
 * The namespace-scoped service account a deploy acts as (by impersonation), created in every
 * environment's namespace and bound there to the ClusterRole `edit`: a manifest naming another
 * namespace or a cluster-scoped kind is refused by Kubernetes RBAC itself.
 */
export const DEPLOYER_SERVICE_ACCOUNT = 'slipway-deployer';

/** The user name of the deployer service account of `namespace` (`system:serviceaccount:<ns>:<name>`). */
export function deployerUser(namespace: string): string {
  return `system:serviceaccount:${namespace}:${DEPLOYER_SERVICE_ACCOUNT}`;
}

import { type KubeClient, KubeError, type KubernetesObject } from '@slipway/kube';
import { MANAGED_BY_LABEL, PROJECT_LABEL, refText } from './release-labels.ts';

/** The object's reference, its namespace defaulting to the environment's. */
export function objectRef(object: KubernetesObject, namespace: string) {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? namespace,
  };
}

const keyOf = (object: KubernetesObject, namespace: string) => {
  const ref = objectRef(object, namespace);
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace}|${ref.name}`;
};

/**
 * The objects of `previous` (the project's earlier releases in the environment, see
 * `ReleasesRepo.pruneSources`) that `keep` (the release just applied) no longer has —
 * matched by apiVersion, kind, namespace and name, like `kubectl apply --prune` — deleted as
 * `deployer`. Only objects that still carry Slipway's labels for `project` are deleted (one
 * that someone else owns now stays). Returns what was pruned, and why one could not be;
 * an unreachable cluster throws (the controller retries the apply, which is idempotent).
 */
export async function pruneObjects(input: {
  deployer: KubeClient;
  namespace: string;
  project: string;
  keep: readonly KubernetesObject[];
  previous: readonly KubernetesObject[];
}): Promise<Array<{ ref: string; problem?: string }>> {
  const { deployer, namespace } = input;
  const kept = new Set(input.keep.map((object) => keyOf(object, namespace)));
  const candidates = new Map<string, KubernetesObject>();
  for (const object of input.previous) {
    const key = keyOf(object, namespace);
    if (!kept.has(key) && !candidates.has(key)) candidates.set(key, object);
  }
  const pruned: Array<{ ref: string; problem?: string }> = [];
  for (const object of candidates.values()) {
    const ref = objectRef(object, namespace);
    const text = refText({ ...object, metadata: { ...object.metadata, namespace: ref.namespace } });
    try {
      const live = await deployer.getObject(ref);
      const labels = live?.metadata?.labels ?? {};
      if (!live || labels[PROJECT_LABEL] !== input.project || labels[MANAGED_BY_LABEL] !== 'slipway')
        continue;
      if (await deployer.deleteObject(ref)) pruned.push({ ref: text });
    } catch (error) {
      if (!(error instanceof KubeError) || error.statusCode === 502 || error.statusCode === 504) throw error;
      pruned.push({ ref: text, problem: error.message });
    }
  }
  return pruned;
}

import type { KubernetesObject } from '@slipway/kube';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PROJECT_LABEL = 'slipway.dev/project';
export const RELEASE_LABEL = 'slipway.dev/release';
export const CONFIG_SET_LABEL = 'slipway.dev/config-set';
export const CONFIG_VERSION_LABEL = 'slipway.dev/config-version';

/** The kinds whose rollout a release follows (kubectl `rollout status`). */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** The labels on every object and ConfigMap a release applies (see interfaces13.md). */
export function releaseLabels(project: string, number: number): Record<string, string> {
  return { [MANAGED_BY_LABEL]: 'slipway', [PROJECT_LABEL]: project, [RELEASE_LABEL]: String(number) };
}

/** The object with the release's labels added to its own (its own win nowhere: ours are stamped last). */
export function stampLabels<T extends KubernetesObject>(object: T, project: string, number: number): T {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata?.labels, ...releaseLabels(project, number) },
    },
  };
}

/** `Deployment/web` (with the namespace when the object names one). */
export function refText(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind}/${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? ''}`;
}

/** A label selector (`a=b,c=d`) from `matchLabels`; undefined when there is none. */
export function selectorOf(matchLabels: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(matchLabels ?? {});
  return entries.length > 0 ? entries.map(([key, value]) => `${key}=${value}`).join(',') : undefined;
}

/** The immutable ConfigMap of one config version, labelled for the release that first made it. */
export function configMapOf(input: {
  name: string;
  set: string;
  version: number;
  project: string;
  release: number;
  data: Record<string, string>;
}) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: input.name,
      labels: {
        ...releaseLabels(input.project, input.release),
        [CONFIG_SET_LABEL]: input.set,
        [CONFIG_VERSION_LABEL]: String(input.version),
      },
    },
    immutable: true,
    data: input.data,
  };
}

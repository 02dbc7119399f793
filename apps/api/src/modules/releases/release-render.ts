import type { KubernetesObject } from '@slipway/kube';
import { renderManifests } from '@slipway/manifests';
import { stampLabels } from './release-labels.ts';

/** A config version a release mounts, by set name: its ConfigMap is `${{ release.config.<set> }}`. */
export interface RenderedConfig {
  name: string;
  configMapName: string;
}

/**
 * The values a release's manifests are rendered with: `base` (the run's variables and
 * `release.image`, or a promoted release's stored values) with the release's own
 * `release.number`, `environment.name`, `environment.namespace` and
 * `release.config.<set>` (each config set's ConfigMap name) set over it.
 */
export function releaseValues(
  base: Readonly<Record<string, string>>,
  release: { number: number; environmentName: string; namespace: string; configs: readonly RenderedConfig[] },
): Record<string, string> {
  return {
    ...base,
    'release.number': String(release.number),
    'environment.name': release.environmentName,
    'environment.namespace': release.namespace,
    ...Object.fromEntries(release.configs.map((c) => [`release.config.${c.name}`, c.configMapName])),
  };
}

/**
 * Renders a release's manifest files (`{ path: yaml }`) with `values` (see `renderManifests`
 * of `@slipway/manifests`), puts every object without a namespace into the environment's
 * `namespace` and stamps the release's labels on it. Returns the objects exactly as they
 * will be applied, or the problems as `file:line:column [field path]: message` (never both).
 */
export function renderReleaseObjects(input: {
  files: Readonly<Record<string, string>>;
  values: Readonly<Record<string, string>>;
  namespace: string;
  /** The project's slug (`slipway.dev/project`). */
  project: string;
  /** The release's number (`slipway.dev/release`). */
  number: number;
}): { objects: KubernetesObject[]; problems: string[] } {
  const rendered = renderManifests(input.files, input.values);
  const problems = rendered.problems.map(
    (p) => `${p.file}:${p.line}:${p.column}${p.path ? ` ${p.path}` : ''}: ${p.message}`,
  );
  const objects = rendered.objects.map(({ object }) =>
    stampLabels(
      {
        ...object,
        metadata: { ...object.metadata, namespace: object.metadata.namespace ?? input.namespace },
      } as KubernetesObject,
      input.project,
      input.number,
    ),
  );
  return { objects, problems };
}

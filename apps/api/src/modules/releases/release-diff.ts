import type { ConfigEntryChange, ReleaseDiff } from '@slipway/contracts';
import type { KubernetesObject } from '@slipway/kube';
import { stringify } from 'yaml';
import { RELEASE_LABEL } from './release-labels.ts';

/** Keys whose values are never shown in a diff (`DB_PASSWORD`, `apiToken`, `tls.key`…). */
export const SECRET_KEY = /(secret|password|token|key)$/i;

/** One side of a release diff. */
export interface DiffSide {
  number: number;
  image: string | null;
  objects: KubernetesObject[];
  /** Config sets by name: version and data. */
  configs: Map<string, { version: number; data: Record<string, string> }>;
}

/** The object as YAML (what the console shows side by side). */
export function objectYaml(object: KubernetesObject): string {
  return stringify(object, { sortMapEntries: false, lineWidth: 0 });
}

function keyOf(object: KubernetesObject): string {
  return [object.apiVersion, object.kind, object.metadata?.namespace ?? '', object.metadata?.name ?? ''].join(
    '|',
  );
}

/** The object without the label naming its release (every release has its own). */
function comparable(object: KubernetesObject): string {
  const labels = { ...object.metadata?.labels };
  delete labels[RELEASE_LABEL];
  return JSON.stringify({ ...object, metadata: { ...object.metadata, labels } });
}

/** Key by key; a secret-looking key's values are null on both sides (its change still shows). */
export function diffEntries(from: Record<string, string>, to: Record<string, string>): ConfigEntryChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.map((key) => {
    const old = from[key];
    const now = to[key];
    const change =
      old === undefined ? 'added' : now === undefined ? 'removed' : old === now ? 'unchanged' : 'changed';
    const hidden = SECRET_KEY.test(key);
    return { key, change, old: hidden ? null : (old ?? null), new: hidden ? null : (now ?? null) };
  });
}

/** What changed from one release to another, apart from the commits (see `releases.service`). */
export function diffReleases(from: DiffSide, to: DiffSide): Omit<ReleaseDiff, 'commits'> {
  const names = [...new Set([...from.configs.keys(), ...to.configs.keys()])].sort();
  const config = names.map((name) => {
    const a = from.configs.get(name);
    const b = to.configs.get(name);
    return {
      name,
      fromVersion: a?.version ?? null,
      toVersion: b?.version ?? null,
      entries: diffEntries(a?.data ?? {}, b?.data ?? {}),
    };
  });
  const before = new Map(from.objects.map((o) => [keyOf(o), o]));
  const after = new Map(to.objects.map((o) => [keyOf(o), o]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const objects = keys.map((key) => {
    const a = before.get(key);
    const b = after.get(key);
    const object = (b ?? a) as KubernetesObject;
    const change = !a ? 'added' : !b ? 'removed' : comparable(a) === comparable(b) ? 'unchanged' : 'changed';
    return {
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      name: object.metadata?.name ?? '',
      namespace: object.metadata?.namespace ?? null,
      change,
      fromYaml: a ? objectYaml(a) : null,
      toYaml: b ? objectYaml(b) : null,
    } as const;
  });
  return {
    from: from.number,
    to: to.number,
    image: { from: from.image, to: to.image, changed: from.image !== to.image },
    config,
    objects,
  };
}

import { createHash } from 'node:crypto';
import type { ApprovalDiff } from '@slipway/contracts';
import { type KubeClient, KubeError, type KubernetesObject } from '@slipway/kube';
import canonicalize from 'canonicalize';
import { type DiffSide, diffReleases, objectYaml } from '../releases/release-diff.ts';
import { RELEASE_LABEL } from '../releases/release-labels.ts';

type ManifestChange = ApprovalDiff['manifests'][number];

/** One side of the diff: a release's image, rendered objects and config versions with their data. */
export interface ApprovalSide {
  number: number;
  image: string | null;
  imageDigest: string | null;
  objects: KubernetesObject[];
  configs: DiffSide['configs'];
}

/** Metadata the API server sets, which says nothing about what a deploy changes. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
];

/**
 * The object as a reviewer compares it: without `status` and the metadata the API server
 * sets (managed fields, resource version, uid, generation, creation time, self link).
 */
export function stripServerFields(object: KubernetesObject): KubernetesObject {
  const { status: _status, ...rest } = object as KubernetesObject & { status?: unknown };
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  return { ...rest, metadata } as KubernetesObject;
}

/** Equal apart from the label naming the release (every release stamps its own number). */
function sameObject(a: KubernetesObject, b: KubernetesObject): boolean {
  const withoutRelease = (object: KubernetesObject) => {
    const labels = { ...object.metadata?.labels };
    delete labels[RELEASE_LABEL];
    return canonicalize({ ...object, metadata: { ...object.metadata, labels } });
  };
  return withoutRelease(a) === withoutRelease(b);
}

function keyOf(object: KubernetesObject, namespace: string): string {
  return [
    object.apiVersion,
    object.kind,
    object.metadata?.namespace ?? namespace,
    object.metadata?.name,
  ].join('|');
}

function change(
  object: KubernetesObject,
  namespace: string,
  action: ManifestChange['action'],
  live: KubernetesObject | null,
  merged: KubernetesObject | null,
  error: string | null = null,
): ManifestChange {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? namespace,
    action,
    liveYaml: live ? objectYaml(stripServerFields(live)) : null,
    mergedYaml: merged ? objectYaml(stripServerFields(merged)) : null,
    error,
  };
}

/** A failure that says the cluster could not be asked (rather than that it refused the object). */
function unreachable(error: unknown): boolean {
  return !(error instanceof KubeError) || error.statusCode === 502 || error.statusCode === 504;
}

/**
 * The manifest diff from a server-side dry run, object by object, as the environment's
 * deployer: the live object (GET) against what applying the new one would make of it
 * (server-side apply with dryRun=All, fieldValidation Strict), both stripped of server-set
 * fields — `create` when it is not live, `update` or `unchanged`; an object the live release
 * has and the new one does not is `prune` (it will be deleted). An object the cluster refuses
 * carries the refusal in `error`. Throws when the cluster cannot be reached (see `approvalDiff`).
 */
async function dryRunManifests(
  kube: KubeClient,
  namespace: string,
  next: KubernetesObject[],
  live: KubernetesObject[],
): Promise<ManifestChange[]> {
  const ref = (object: KubernetesObject) => ({
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? namespace,
  });
  const changes = await Promise.all(
    next.map(async (object) => {
      const current = await kube.getObject(ref(object));
      try {
        const body = { ...object, metadata: { ...object.metadata, namespace: ref(object).namespace } };
        const merged = await kube.applyObject(body, { dryRun: true, fieldValidation: 'Strict' });
        const same = current !== null && sameObject(stripServerFields(current), stripServerFields(merged));
        return change(
          object,
          namespace,
          !current ? 'create' : same ? 'unchanged' : 'update',
          current,
          merged,
        );
      } catch (error) {
        if (unreachable(error)) throw error;
        return change(
          object,
          namespace,
          current ? 'update' : 'create',
          current,
          null,
          (error as Error).message,
        );
      }
    }),
  );
  const kept = new Set(next.map((object) => keyOf(object, namespace)));
  const pruned = await Promise.all(
    live
      .filter((object) => !kept.has(keyOf(object, namespace)))
      .map(async (object) =>
        change(object, namespace, 'prune', (await kube.getObject(ref(object))) ?? object, null),
      ),
  );
  return [...changes, ...pruned];
}

/** The manifest diff from the releases' stored objects (the cluster could not be asked). */
function storedManifests(
  namespace: string,
  next: KubernetesObject[],
  live: KubernetesObject[],
): ManifestChange[] {
  const before = new Map(live.map((object) => [keyOf(object, namespace), object]));
  const kept = new Set(next.map((object) => keyOf(object, namespace)));
  return [
    ...next.map((object) => {
      const old = before.get(keyOf(object, namespace)) ?? null;
      const action = !old ? 'create' : sameObject(old, object) ? 'unchanged' : 'update';
      return change(object, namespace, action, old, object);
    }),
    ...live
      .filter((object) => !kept.has(keyOf(object, namespace)))
      .map((object) => change(object, namespace, 'prune', object, null)),
  ];
}

/** SHA-256 of the diff's canonical JSON (RFC 8785), without when it was computed. */
export function diffHash(diff: Omit<ApprovalDiff, 'hash' | 'computedAt'>): string {
  return createHash('sha256')
    .update(canonicalize(diff) ?? '')
    .digest('hex');
}

/**
 * What approving the release `next` would change against the project's live release in the
 * environment (`live`, null for a first deploy): image old → new with digests, config key by
 * key (values of secret-looking keys hidden, see `diffEntries`), and the manifests from a
 * server-side dry run as the deployer (`kube`, null when the environment has no cluster).
 * When the cluster cannot be reached `dryRunError` says why and the manifests are compared
 * with the live release's stored objects instead. `hash` identifies the diff (see `diffHash`).
 */
export async function approvalDiff(input: {
  next: ApprovalSide;
  live: ApprovalSide | null;
  namespace: string;
  kube: (() => Promise<KubeClient>) | null;
  now?: Date;
}): Promise<ApprovalDiff> {
  const { next, live, namespace } = input;
  const empty: DiffSide = { number: 0, image: null, objects: [], configs: new Map() };
  const { config } = diffReleases(live ?? empty, next);
  const liveObjects = live?.objects ?? [];
  let manifests: ManifestChange[];
  let dryRunError: string | null = null;
  try {
    if (!input.kube) throw new Error('the environment has no cluster');
    manifests = await dryRunManifests(await input.kube(), namespace, next.objects, liveObjects);
  } catch (error) {
    if (!unreachable(error)) throw error;
    dryRunError = `the dry run could not be done: ${(error as Error).message}`;
    manifests = storedManifests(namespace, next.objects, liveObjects);
  }
  const body = {
    live: live?.number ?? null,
    image: {
      from: live?.image ?? null,
      fromDigest: live?.imageDigest ?? null,
      to: next.image,
      toDigest: next.imageDigest,
      changed: (live?.image ?? null) !== next.image || (live?.imageDigest ?? null) !== next.imageDigest,
    },
    config,
    manifests,
    dryRunError,
  };
  return { hash: diffHash(body), computedAt: (input.now ?? new Date()).toISOString(), ...body };
}

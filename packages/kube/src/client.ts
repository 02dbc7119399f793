import type { Readable } from 'node:stream';
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1ConfigMap,
  type V1Deployment,
  type V1Job,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1Secret,
  VersionApi,
} from '@kubernetes/client-node';
import { KubeError, toKubeError } from './errors.ts';
import { createInformer, type InformerOptions } from './informer.ts';
import { type ClusterSource, impersonatedConfig, loadKubeConfig } from './kubeconfig.ts';
import { type PodLogOptions, streamPodLogs } from './logs.ts';
import {
  contextNamespace,
  Discovery,
  describeRef,
  type FieldValidation,
  HttpMethod,
  type ObjectRef,
  objectPath,
  refOf,
  requestJson,
} from './objects.ts';
import { type WatchOptions, type WatchTarget, watchResource } from './watch.ts';

/** Server-side apply records this manager on every field Slipway sets. */
export const FIELD_MANAGER = 'slipway';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface AccessCheck {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
}

export interface AccessResult extends AccessCheck {
  allowed: boolean;
  reason?: string;
}

/** One entry of the cluster's OpenAPI v3 index (`/openapi/v3`): where a group-version's document is. */
export interface OpenApiV3Path {
  /** Server-relative URL of the document, with its content hash (`/openapi/v3/apis/apps/v1?hash=…`). */
  serverRelativeURL: string;
}

/**
 * Everything Slipway does with one cluster. Every call is bounded in time and throws
 * `KubeError`s already mapped to the API's taxonomy.
 */
export interface KubeClient extends ReturnType<typeof clientOf> {
  /**
   * The same cluster, every request sent as `user` (the `Impersonate-User` header, like
   * `kubectl --as`; e.g. `system:serviceaccount:<ns>:slipway-deployer`), so the API server
   * authorizes it by that user's RBAC. Slipway's own credentials need `impersonate` on
   * `serviceaccounts` (or users) for this; without it every call is a 403.
   */
  impersonating(user: string): KubeClient;
}

/** How a client behaves; every field is optional. */
export interface KubeClientOptions {
  /** The bound of every call, ms (default 10 s). */
  timeoutMs?: number;
  /**
   * Told each time a watch or informer of this client starts again (a dropped connection, a
   * `410 Gone` relist), with the plural of the resource it watches (`jobs`, `pods`): metrics.
   */
  onWatchRestart?: (resource: string) => void;
}

/** Loads the cluster source and returns its client (see `KubeClient`). */
export function createKubeClient(source: ClusterSource, options: KubeClientOptions = {}): KubeClient {
  return clientWith(loadKubeConfig(source), options);
}

/** The options of a watch with its `onRecover` also telling `onWatchRestart` which resource restarted. */
function reportingRestarts<O extends { onRecover?: ((reason: string) => void) | undefined }>(
  target: WatchTarget,
  watchOptions: O,
  onWatchRestart: KubeClientOptions['onWatchRestart'],
): O {
  if (!onWatchRestart) return watchOptions;
  return {
    ...watchOptions,
    onRecover: (reason: string) => {
      onWatchRestart(target.plural);
      watchOptions.onRecover?.(reason);
    },
  };
}

function clientWith(kc: KubeConfig, options: KubeClientOptions): KubeClient {
  // One client per user acted as, so its discovery cache is reused across a deploy's calls.
  const actingAs = new Map<string, KubeClient>();
  return {
    ...clientOf(kc, options),
    impersonating: (user: string) => {
      let client = actingAs.get(user);
      if (!client) {
        client = clientWith(impersonatedConfig(kc, user), options);
        actingAs.set(user, client);
      }
      return client;
    },
  };
}

function clientOf(kc: KubeConfig, options: KubeClientOptions) {
  const server = kc.getCurrentCluster()?.server ?? 'unknown server';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const version = kc.makeApiClient(VersionApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const discovery = kc.makeApiClient(Discovery);

  /** Runs one call with a deadline; the answer after the deadline is dropped. */
  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KubeError(
              504,
              `the cluster at ${server} did not answer within ${timeoutMs / 1000}s while trying to ${action}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), deadline]);
    } catch (error) {
      throw toKubeError(error, action, server);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `null` for 404, so callers can tell "absent" from "failed". */
  async function orNull<T>(action: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await call(action, run);
    } catch (error) {
      if (error instanceof KubeError && error.kubeStatus === 404) return null;
      throw error;
    }
  }

  /** `true` once created; `false` when one of that name exists already (409, left as it is). */
  async function createOnce(action: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await call(action, run);
      return true;
    } catch (error) {
      if (error instanceof KubeError && error.kubeStatus === 409) return false;
      throw error;
    }
  }

  return {
    server,
    kubeConfig: kc,

    serverVersion: () => call('read the server version', () => version.getCode()),

    listNodes: (): Promise<V1Node[]> => call('list nodes', async () => (await core.listNode()).items),

    /** Asks the API server whether these credentials may do each thing (SelfSubjectAccessReview). */
    canI: (checks: AccessCheck[]): Promise<AccessResult[]> =>
      Promise.all(
        checks.map((check) =>
          call(`check access to ${check.verb} ${check.resource}`, async () => {
            const review = await authz.createSelfSubjectAccessReview({
              body: {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SelfSubjectAccessReview',
                spec: {
                  resourceAttributes: {
                    verb: check.verb,
                    resource: check.resource,
                    ...(check.group ? { group: check.group } : {}),
                    ...(check.subresource ? { subresource: check.subresource } : {}),
                    ...(check.namespace ? { namespace: check.namespace } : {}),
                  },
                },
              },
            });
            return {
              ...check,
              allowed: review.status?.allowed ?? false,
              ...(review.status?.reason ? { reason: review.status.reason } : {}),
            };
          }),
        ),
      ),

    getNamespace: (name: string): Promise<V1Namespace | null> =>
      orNull(`read namespace ${name}`, () => core.readNamespace({ name })),

    deleteNamespace: (name: string) =>
      orNull(`delete namespace ${name}`, () => core.deleteNamespace({ name })).then(() => undefined),

    /** Server-side apply (create or update the fields Slipway owns). */
    apply: <T extends KubernetesObject>(object: T, applyOptions: { dryRun?: boolean } = {}): Promise<T> =>
      call(
        `apply ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`,
        () =>
          objects.patch<T>(
            object,
            undefined,
            applyOptions.dryRun ? 'All' : undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
      ),

    /**
     * Server-side apply of an object of any kind, the exact fields given (nothing dropped on the
     * way): field manager `slipway`, `force` (Slipway takes over conflicting fields, as the
     * object's declared owner). `dryRun` runs every admission and validation stage without
     * persisting (`dryRun=All`). `fieldValidation` defaults to `Strict`: an unknown or duplicate
     * field is a 400 whose `causes` name the field path. A namespaced kind without a namespace
     * goes to the kubeconfig context's namespace (else `default`), as with kubectl. Returns the
     * object as the API server answered it (plain JSON: timestamps stay strings).
     */
    applyObject: <T extends KubernetesObject>(
      object: T,
      applyOptions: { dryRun?: boolean; fieldValidation?: FieldValidation } = {},
    ): Promise<T> => {
      const ref = refOf(object);
      return call(`${applyOptions.dryRun ? 'dry-run apply' : 'apply'} ${describeRef(ref)}`, async () => {
        const path = await objectPath(discovery, ref, contextNamespace(kc));
        return (await requestJson(kc, HttpMethod.PATCH, path, {
          query: {
            fieldManager: FIELD_MANAGER,
            force: 'true',
            fieldValidation: applyOptions.fieldValidation ?? 'Strict',
            dryRun: applyOptions.dryRun ? 'All' : undefined,
          },
          body: object,
          contentType: 'application/apply-patch+yaml',
        })) as T;
      });
    },

    /** Reads an object of any kind (plain JSON), `null` when it does not exist. */
    getObject: (ref: ObjectRef): Promise<KubernetesObject | null> =>
      orNull(`read ${describeRef(ref)}`, async () => {
        const path = await objectPath(discovery, ref, contextNamespace(kc));
        return (await requestJson(kc, HttpMethod.GET, path)) as KubernetesObject;
      }),

    /**
     * Deletes an object of any kind (background propagation: its dependents, such as a
     * Deployment's ReplicaSets and pods, are collected by the garbage collector). `false`
     * when it did not exist.
     */
    deleteObject: (ref: ObjectRef): Promise<boolean> =>
      orNull(`delete ${describeRef(ref)}`, async () => {
        const path = await objectPath(discovery, ref, contextNamespace(kc));
        await requestJson(kc, HttpMethod.DELETE, path, { query: { propagationPolicy: 'Background' } });
        return true;
      }).then((deleted) => deleted ?? false),

    /** Creates a ConfigMap; `false` when one of that name exists already (left as it is). */
    createConfigMap: (namespace: string, configMap: V1ConfigMap): Promise<boolean> =>
      createOnce(`create configmap ${namespace}/${configMap.metadata?.name}`, () =>
        core.createNamespacedConfigMap({ namespace, body: configMap }),
      ),

    listConfigMaps: (namespace: string, labelSelector?: string): Promise<V1ConfigMap[]> =>
      call(
        `list configmaps in ${namespace}`,
        async () =>
          (await core.listNamespacedConfigMap({ namespace, ...(labelSelector ? { labelSelector } : {}) }))
            .items,
      ),

    /** Deletes a ConfigMap; one that is already gone is fine. */
    deleteConfigMap: (namespace: string, name: string): Promise<void> =>
      orNull(`delete configmap ${namespace}/${name}`, () =>
        core.deleteNamespacedConfigMap({ namespace, name }),
      ).then(() => undefined),

    /** The OpenAPI v3 index (`/openapi/v3`): group-version path (`apis/apps/v1`, `api/v1`) → document URL. */
    openApiV3Paths: (): Promise<Record<string, OpenApiV3Path>> =>
      call('read the OpenAPI v3 index', async () => {
        const index = (await requestJson(kc, HttpMethod.GET, '/openapi/v3')) as {
          paths?: Record<string, OpenApiV3Path>;
        };
        return index.paths ?? {};
      }),

    /** One group-version's OpenAPI v3 document, by the `serverRelativeURL` the index gave. */
    openApiV3Document: (serverRelativeURL: string): Promise<Record<string, unknown>> =>
      call(
        `read the OpenAPI v3 document ${serverRelativeURL.split('?')[0]}`,
        async () => (await requestJson(kc, HttpMethod.GET, serverRelativeURL)) as Record<string, unknown>,
      ),

    /** JSON merge patch (RFC 7386) of an existing object: only the fields given change. */
    mergePatch: <T extends KubernetesObject>(object: T): Promise<T> =>
      call(
        `patch ${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`,
        () =>
          objects.patch<T>(object, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
      ),

    createJob: (namespace: string, job: V1Job): Promise<V1Job> =>
      call(`create job ${namespace}/${job.metadata?.name}`, () =>
        batch.createNamespacedJob({ namespace, body: job }),
      ),

    getJob: (namespace: string, name: string): Promise<V1Job | null> =>
      orNull(`read job ${namespace}/${name}`, () => batch.readNamespacedJob({ namespace, name })),

    listJobs: (namespace: string, labelSelector?: string): Promise<V1Job[]> =>
      call(
        `list jobs in ${namespace}`,
        async () =>
          (await batch.listNamespacedJob({ namespace, ...(labelSelector ? { labelSelector } : {}) })).items,
      ),

    /** Deletes a Job and, in the background, its pods. */
    deleteJob: (namespace: string, name: string) =>
      orNull(`delete job ${namespace}/${name}`, () =>
        batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }),
      ).then(() => undefined),

    /** Creates a Secret; one that exists already is left as it is (`false`). */
    createSecret: (namespace: string, secret: V1Secret): Promise<boolean> =>
      createOnce(`create secret ${namespace}/${secret.metadata?.name}`, () =>
        core.createNamespacedSecret({ namespace, body: secret }),
      ),

    getSecret: (namespace: string, name: string): Promise<V1Secret | null> =>
      orNull(`read secret ${namespace}/${name}`, () => core.readNamespacedSecret({ namespace, name })),

    deleteSecret: (namespace: string, name: string) =>
      orNull(`delete secret ${namespace}/${name}`, () =>
        core.deleteNamespacedSecret({ namespace, name }),
      ).then(() => undefined),

    listDeployments: (namespace: string): Promise<V1Deployment[]> =>
      call(
        `list deployments in ${namespace}`,
        async () => (await apps.listNamespacedDeployment({ namespace })).items,
      ),

    getDeployment: (namespace: string, name: string): Promise<V1Deployment | null> =>
      orNull(`read deployment ${namespace}/${name}`, () =>
        apps.readNamespacedDeployment({ namespace, name }),
      ),

    listPods: (namespace: string, labelSelector?: string): Promise<V1Pod[]> =>
      call(
        `list pods in ${namespace}`,
        async () =>
          (await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) })).items,
      ),

    listEvents: (namespace: string): Promise<CoreV1Event[]> =>
      call(`list events in ${namespace}`, async () => (await core.listNamespacedEvent({ namespace })).items),

    watch: <T extends KubernetesObject>(target: WatchTarget, watchOptions: WatchOptions<T>) =>
      watchResource<T>(kc, target, reportingRestarts(target, watchOptions, options.onWatchRestart)),

    /** A shared informer (list + watch into an indexed cache) of one kind on this cluster; not started. */
    informer: <T extends KubernetesObject>(informerOptions: InformerOptions<T>) =>
      createInformer<T>(
        kc,
        reportingRestarts(informerOptions.target, informerOptions, options.onWatchRestart),
      ),

    podLogs: (
      target: { namespace: string; pod: string; container: string },
      logOptions?: PodLogOptions,
    ): Promise<Readable> =>
      call(`read the log of ${target.namespace}/${target.pod}/${target.container}`, () =>
        streamPodLogs(kc, target, logOptions),
      ),
  };
}

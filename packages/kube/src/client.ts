import type { Readable } from 'node:stream';
import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  type CoreV1Event,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
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
import { type PodLogOptions, streamPodLogs } from './logs.ts';
import { type WatchOptions, type WatchTarget, watchResource } from './watch.ts';

/** Server-side apply records this manager on every field Slipway sets. */
export const FIELD_MANAGER = 'slipway';
const DEFAULT_TIMEOUT_MS = 10_000;

export type ClusterSource = { kubeconfig: string; context?: string | undefined } | { inCluster: true };

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

/**
 * Everything Slipway does with one cluster. Every call is bounded in time and throws
 * `KubeError`s already mapped to the API's taxonomy.
 */
export function createKubeClient(source: ClusterSource, options: { timeoutMs?: number } = {}) {
  const kc = loadKubeConfig(source);
  const server = kc.getCurrentCluster()?.server ?? 'unknown server';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const version = kc.makeApiClient(VersionApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);

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
    createSecret: async (namespace: string, secret: V1Secret): Promise<boolean> => {
      try {
        await call(`create secret ${namespace}/${secret.metadata?.name}`, () =>
          core.createNamespacedSecret({ namespace, body: secret }),
        );
        return true;
      } catch (error) {
        if (error instanceof KubeError && error.kubeStatus === 409) return false;
        throw error;
      }
    },

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
      watchResource<T>(kc, target, watchOptions),

    /** A shared informer (list + watch into an indexed cache) of one kind on this cluster; not started. */
    informer: <T extends KubernetesObject>(informerOptions: InformerOptions<T>) =>
      createInformer<T>(kc, informerOptions),

    podLogs: (
      target: { namespace: string; pod: string; container: string },
      logOptions?: PodLogOptions,
    ): Promise<Readable> =>
      call(`read the log of ${target.namespace}/${target.pod}/${target.container}`, () =>
        streamPodLogs(kc, target, logOptions),
      ),
  };
}

export type KubeClient = ReturnType<typeof createKubeClient>;

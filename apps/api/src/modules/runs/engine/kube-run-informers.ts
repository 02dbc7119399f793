// The one watch a kube executor holds on its cluster: a shared informer of the Jobs and one of
// the Pods labelled `slipway.dev/run`, across all namespaces, with the pods indexed by Job.
import { type KubeClient, type V1Job, type V1Pod, withoutManagedFields } from '@slipway/kube';
import { JOB_LABEL, LABEL_PREFIX } from './kube-job-manifest.ts';

/** The label every object of a run carries: its run id. */
export const RUN_LABEL = `${LABEL_PREFIX}/run`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The run an object's `slipway.dev/run` label names, or undefined when the label is not a
 * run id (objects of other programs on a shared cluster may carry the label too).
 */
export function runIdOf(object: { metadata?: { labels?: Record<string, string> | undefined } | undefined }) {
  const value = object.metadata?.labels?.[RUN_LABEL];
  return value && UUID.test(value) ? value : undefined;
}
const BY_JOB = 'job';
/** How long informers started by a read (no listener) stay up after the last read. */
const IDLE_MS = 60_000;

/**
 * The Job a pod belongs to: the job controller's `batch.kubernetes.io/job-name` label
 * (Kubernetes ≥ 1.27), its older `job-name`, or Slipway's own attempt label.
 */
function jobNameOf(pod: V1Pod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  return labels['batch.kubernetes.io/job-name'] ?? labels['job-name'] ?? labels[JOB_LABEL];
}

/**
 * Shared Job and Pod informers of one cluster, started on demand (`ensureStarted`, or the
 * first listener) and stopped with the last listener or `close()`. Listeners hear the run id
 * of every Job or Pod that was added, changed or deleted.
 */
export function createRunInformers(
  kube: KubeClient,
  options: { onRecover?: (reason: string) => void; idleMs?: number } = {},
) {
  const labelSelector = RUN_LABEL;
  const jobs = kube.informer<V1Job>({
    target: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', labelSelector },
    transform: withoutManagedFields,
    onRecover: options.onRecover,
  });
  const pods = kube.informer<V1Pod>({
    target: { apiVersion: 'v1', kind: 'Pod', plural: 'pods', labelSelector },
    transform: withoutManagedFields,
    indexers: {
      [BY_JOB]: (pod) => {
        const job = jobNameOf(pod);
        return job ? [`${pod.metadata?.namespace}/${job}`] : [];
      },
    },
    onRecover: options.onRecover,
  });
  const listeners = new Set<(runId: string) => void>();
  const tell = (object: V1Job | V1Pod) => {
    const runId = runIdOf(object);
    if (runId) for (const listener of listeners) listener(runId);
  };
  const handler = { onAdd: tell, onUpdate: tell, onDelete: tell };
  jobs.addEventHandler(handler);
  pods.addEventHandler(handler);

  let idleTimer: NodeJS.Timeout | undefined;

  function close() {
    clearTimeout(idleTimer);
    jobs.stop();
    pods.stop();
  }

  /**
   * Starts the informers for a read; without listeners they stop again after
   * `idleMs` without reads, so a read (a log archived after the last run ended) does not
   * leave a watch open for good.
   */
  function ensureStarted() {
    jobs.start();
    pods.start();
    clearTimeout(idleTimer);
    if (listeners.size === 0) {
      idleTimer = setTimeout(() => {
        if (listeners.size === 0) close();
      }, options.idleMs ?? IDLE_MS);
      idleTimer.unref();
    }
  }

  return {
    ensureStarted,
    close,

    /** Both caches hold a full list: a miss means "not seen yet", not "unknown". */
    hasSynced: () => jobs.running && jobs.hasSynced() && pods.hasSynced(),

    /** Resolves once both caches have synced (or the informers stopped). */
    waitForSync: () => Promise.all([jobs.waitForSync(), pods.waitForSync()]).then(() => undefined),

    job: (namespace: string, name: string): V1Job | undefined => jobs.get(namespace, name),

    /** The cached pods of a Job. */
    podsOf: (namespace: string, jobName: string): V1Pod[] => pods.byIndex(BY_JOB, `${namespace}/${jobName}`),

    /** Adds a listener (starting the informers); the returned function removes it. */
    listen(onRun: (runId: string) => void): () => void {
      listeners.add(onRun);
      ensureStarted();
      clearTimeout(idleTimer);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        listeners.delete(onRun);
        if (listeners.size === 0) close();
      };
    },
  };
}

export type RunInformers = ReturnType<typeof createRunInformers>;

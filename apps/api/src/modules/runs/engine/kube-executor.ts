import { type KubeClient, KubeError, type V1Job, type V1Pod } from '@slipway/kube';
import type { Executor, JobDispatch, JobObservation, JobRef, ObservedStep } from './executor.ts';
import {
  JOB_LABEL,
  jobManifest,
  jobSecretData,
  REPORTS_GRACE_SECONDS,
  REPORTS_SIDECAR,
} from './kube-job-manifest.ts';
import { createRunInformers } from './kube-run-informers.ts';
import { followLog } from './log-follow.ts';

/** How long a followed log may stay silent after its step ended before it counts as complete. */
const QUIET_AFTER_END_MS = 1500;
const TTL_AFTER_ARCHIVE_SECONDS = 600;

/**
 * What a step reported in its termination message: a build step's BuildKit metadata
 * (JSON) gives the pushed image's digest; anything else (the commit) is kept as it is.
 */
export function resultOf(message: string | undefined): string | undefined {
  const text = message?.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const digest = (JSON.parse(text) as Record<string, unknown>)['containerimage.digest'];
      if (typeof digest === 'string') return digest;
    } catch {
      // not metadata: keep the text
    }
  }
  return text.slice(0, 500);
}

const statusOf = (pod: V1Pod | undefined, name: string | undefined) =>
  name === undefined ? undefined : pod?.status?.initContainerStatuses?.find((s) => s.name === name);

/**
 * The init container whose status and log are step `index`'s: its own, in step order after
 * the reports sidecar — except the upload step (the last init container) of a pod with
 * the sidecar when an earlier step failed and the upload step never started: then the
 * sidecar's, which uploads the reports in its place (see `reportsSidecarScript`).
 */
export function stepContainerName(
  pod: V1Pod | undefined,
  job: V1Job | null,
  index: number,
): string | undefined {
  const containers = pod?.spec?.initContainers ?? job?.spec?.template.spec?.initContainers ?? [];
  const names = containers.filter((c) => c.name !== REPORTS_SIDECAR).map((c) => c.name);
  const own = names[index];
  if (index !== names.length - 1 || !containers.some((c) => c.name === REPORTS_SIDECAR)) return own;
  const ownState = statusOf(pod, own)?.state;
  if (ownState?.running || ownState?.terminated) return own;
  const earlierFailed = names
    .slice(0, index)
    .some((name) => (statusOf(pod, name)?.state?.terminated?.exitCode ?? 0) !== 0);
  return earlierFailed ? REPORTS_SIDECAR : own;
}

function stepFrom(pod: V1Pod | undefined, index: number, name: string): ObservedStep {
  const status = statusOf(pod, name);
  const terminated = status?.state?.terminated;
  if (terminated) {
    return {
      status: terminated.exitCode === 0 ? 'succeeded' : 'failed',
      exitCode: terminated.exitCode,
      result: resultOf(terminated.message),
      startedAt: terminated.startedAt ? new Date(terminated.startedAt) : undefined,
      finishedAt: terminated.finishedAt ? new Date(terminated.finishedAt) : undefined,
    };
  }
  if (status?.state?.running) {
    return {
      status: 'running',
      startedAt: status.state.running.startedAt ? new Date(status.state.running.startedAt) : undefined,
    };
  }
  void index;
  return { status: 'pending' };
}

/**
 * Whether a pod's next step waits for a Secret that does not exist (the kubelet reports
 * `CreateContainerConfigError: secret "…" not found` and retries): what a crash between
 * creating a Job and creating its Secret leaves behind.
 */
export function waitsForSecret(pod: V1Pod | undefined, secretName: string): boolean {
  return (pod?.status?.initContainerStatuses ?? []).some(
    (s) =>
      s.state?.waiting?.reason === 'CreateContainerConfigError' &&
      (s.state.waiting.message ?? '').includes(`"${secretName}" not found`),
  );
}

const newest = (pods: V1Pod[]): V1Pod | undefined =>
  [...pods].sort((a, b) =>
    String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)),
  )[0];

/**
 * What a Job and its newest pod say about a job attempt of `stepCount` steps: each step's
 * status from its init container (see `stepContainerName`), the attempt's state from the
 * Job's `Complete`/`Failed` conditions — still `running` while the reports sidecar uploads
 * after a failure (at most the pod's grace period and 30 s more).
 */
export function observationOf(current: V1Job, pod: V1Pod | undefined, stepCount: number): JobObservation {
  const names = Array.from({ length: stepCount }, (_, index) => stepContainerName(pod, current, index));
  const steps = names.map((name, index) => stepFrom(pod, index, name ?? ''));
  const conditions = current.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
  if (complete || (current.status?.succeeded ?? 0) > 0) {
    for (const step of steps) if (step.status !== 'succeeded') step.status = 'succeeded';
    return { state: 'succeeded', steps };
  }
  if (failed || (current.status?.failed ?? 0) > 0) {
    // The reports sidecar is still uploading: the job ends when it has (or when its grace
    // period is over, whatever the kubelet reports).
    const failedFor = Date.now() - new Date(failed?.lastTransitionTime ?? Number.NaN).getTime();
    const uploading =
      names.at(-1) === REPORTS_SIDECAR &&
      steps.at(-1)?.status === 'running' &&
      failedFor <= (REPORTS_GRACE_SECONDS + 30) * 1000;
    if (uploading) return { state: 'running', steps };
    const failedAt = steps.findIndex((s) => s.status === 'failed');
    for (const [index, step] of steps.entries()) {
      if (step.status === 'running') step.status = 'failed';
      if (failedAt >= 0 && index > failedAt && step.status === 'pending') step.status = 'skipped';
    }
    const reason =
      failed?.reason === 'DeadlineExceeded'
        ? 'timed out (activeDeadlineSeconds)'
        : failedAt >= 0
          ? `step ${failedAt} exited with code ${steps[failedAt]?.exitCode}`
          : (failed?.message ?? 'the Job failed');
    return { state: 'failed', steps, message: reason };
  }
  return { state: 'running', steps };
}

/** A kube executor, plus `close()`: stops its informers (the cluster's one watch). */
export type KubeExecutor = Executor & { close(): void };

/**
 * Runs pipeline jobs as Kubernetes Jobs: one Job per job attempt, one init container per
 * step. Reads come from one shared informer of the cluster's Slipway Jobs and Pods (all
 * namespaces), started by the first `watch` or `observe` and stopped with the last listener
 * or `close()`; until it has synced, reads go to the API server.
 */
export function createKubeExecutor(deps: {
  kube: KubeClient;
  onRecover?: (reason: string) => void;
  /** How long a watch started by a read, with no listener, stays up after the last read (default 60 s). */
  readIdleMs?: number;
}): KubeExecutor {
  const { kube } = deps;
  const informers = createRunInformers(kube, {
    onRecover: deps.onRecover,
    ...(deps.readIdleMs !== undefined ? { idleMs: deps.readIdleMs } : {}),
  });
  const secretNameOf = (job: JobRef) => `${job.externalName}-secrets`.slice(0, 253);

  async function livePodOf(job: JobRef): Promise<V1Pod | undefined> {
    return newest(await kube.listPods(job.namespace, `${JOB_LABEL}=${job.externalName}`));
  }

  /** The Job and its newest pod: from the cache once synced, a miss confirmed by one live GET. */
  async function read(job: JobRef): Promise<{ current: V1Job | null; pod: V1Pod | undefined }> {
    informers.ensureStarted();
    if (informers.hasSynced()) {
      const cached = informers.job(job.namespace, job.externalName);
      if (cached) return { current: cached, pod: newest(informers.podsOf(job.namespace, job.externalName)) };
    }
    // Not synced yet, or not seen yet: the watch may lag a create.
    const current = await kube.getJob(job.namespace, job.externalName);
    return { current, pod: current ? await livePodOf(job) : undefined };
  }

  /**
   * The job's Secret, owned by its Job: the garbage collector deletes it with the Job
   * (https://kubernetes.io/docs/concepts/architecture/garbage-collection/#owners-dependents).
   */
  async function createSecret(job: JobDispatch, owner: V1Job, data: Record<string, string>) {
    await kube.createSecret(job.namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: secretNameOf(job),
        namespace: job.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'slipway', [JOB_LABEL]: job.externalName },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: job.externalName,
            uid: owner.metadata?.uid ?? '',
          },
        ],
      },
      type: 'Opaque',
      stringData: data,
    });
  }

  return {
    kind: 'kubernetes',

    /**
     * Creates the Job first, then its Secret (owned by the Job), so the Job exists after one
     * round trip. A pod that reaches a step before its Secret exists waits: "If the Secret
     * cannot be fetched (perhaps because it does not exist, or due to a temporary lack of
     * connection to the API server) the kubelet periodically retries running that Pod"
     * (https://kubernetes.io/docs/concepts/configuration/secret/). A Secret that cannot be
     * created takes its Job with it, so a retry starts over; a Job adopted after a crash
     * gets its Secret if it has none.
     */
    async start(job: JobDispatch): Promise<void> {
      const data = jobSecretData(job);
      const secretName = Object.keys(data).length > 0 ? secretNameOf(job) : undefined;
      let created: V1Job;
      try {
        created = await kube.createJob(job.namespace, jobManifest(job, secretName));
      } catch (error) {
        if (!(error instanceof KubeError && error.kubeStatus === 409)) throw error;
        // Created before a crash: adopt it, with its Secret.
        if (!secretName) return;
        const existing = await kube.getJob(job.namespace, job.externalName);
        if (existing) await createSecret(job, existing, data);
        return;
      }
      if (!secretName) return;
      try {
        await createSecret(job, created, data);
      } catch (error) {
        await kube.deleteJob(job.namespace, job.externalName).catch(() => undefined);
        throw error;
      }
    },

    async observe(job: JobRef, stepCount: number): Promise<JobObservation> {
      const { current, pod } = await read(job);
      if (!current) return { state: 'missing', steps: [] };
      // The Secret never came (a crash between the two creates): `missing` makes the engine
      // start it again, which adopts the Job and creates the Secret.
      if (waitsForSecret(pod, secretNameOf(job))) return { state: 'missing', steps: [] };
      return observationOf(current, pod, stepCount);
    },

    async stop(job: JobRef): Promise<void> {
      await kube.deleteJob(job.namespace, job.externalName);
      await kube.deleteSecret(job.namespace, secretNameOf(job));
    },

    async openLog(job: JobRef, stepIndex: number, fromByte: number, isFinished: () => boolean) {
      const { current, pod } = await read(job);
      const name = stepContainerName(pod, current, stepIndex);
      const status = statusOf(pod, name);
      if (!pod?.metadata?.name || !name || !(status?.state?.running || status?.state?.terminated))
        return null;
      const source = await kube.podLogs(
        { namespace: job.namespace, pod: pod.metadata.name, container: name },
        { follow: !isFinished() },
      );
      return followLog(source, { fromByte, isFinished, quietAfterEndMs: QUIET_AFTER_END_MS });
    },

    watch: (onRun: (runId: string) => void): (() => void) => informers.listen(onRun),

    async release(job: JobRef): Promise<void> {
      await kube.deleteSecret(job.namespace, secretNameOf(job));
      // The Job and its pods may go now that the logs are archived.
      await kube.mergePatch({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: job.externalName, namespace: job.namespace },
        spec: { ttlSecondsAfterFinished: TTL_AFTER_ARCHIVE_SECONDS },
      } as V1Job);
    },

    close: informers.close,
  };
}

import { type KubeClient, KubeError, type V1Job, type V1Pod } from '@slipway/kube';
import type { Executor, JobDispatch, JobObservation, JobRef, ObservedStep } from './executor.ts';
import { JOB_LABEL, jobManifest, jobSecretData, LABEL_PREFIX } from './kube-job-manifest.ts';
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

function stepFrom(pod: V1Pod | undefined, index: number, name: string): ObservedStep {
  const status = pod?.status?.initContainerStatuses?.find((s) => s.name === name);
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

/** Runs pipeline jobs as Kubernetes Jobs: one Job per job attempt, one init container per step. */
export function createKubeExecutor(deps: { kube: KubeClient }): Executor {
  const { kube } = deps;
  const secretNameOf = (job: JobRef) => `${job.externalName}-secrets`.slice(0, 253);

  async function podOf(job: JobRef): Promise<V1Pod | undefined> {
    const pods = await kube.listPods(job.namespace, `${JOB_LABEL}=${job.externalName}`);
    return pods.sort((a, b) =>
      String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)),
    )[0];
  }

  return {
    kind: 'kubernetes',

    async start(job: JobDispatch): Promise<void> {
      let secretName: string | undefined;
      const data = jobSecretData(job);
      if (Object.keys(data).length > 0) {
        secretName = secretNameOf(job);
        await kube.createSecret(job.namespace, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: secretName,
            namespace: job.namespace,
            labels: { 'app.kubernetes.io/managed-by': 'slipway', [JOB_LABEL]: job.externalName },
          },
          type: 'Opaque',
          stringData: data,
        });
      }
      try {
        await kube.createJob(job.namespace, jobManifest(job, secretName));
      } catch (error) {
        // Created before a crash: adopt it.
        if (error instanceof KubeError && error.kubeStatus === 409) return;
        throw error;
      }
    },

    async observe(job: JobRef, stepCount: number): Promise<JobObservation> {
      const current = await kube.getJob(job.namespace, job.externalName);
      if (!current) return { state: 'missing', steps: [] };
      const pod = await podOf(job);
      const names = [
        ...(pod?.spec?.initContainers ?? current.spec?.template.spec?.initContainers ?? []).map(
          (c) => c.name,
        ),
      ];
      const steps = Array.from({ length: stepCount }, (_, index) => stepFrom(pod, index, names[index] ?? ''));
      const conditions = current.status?.conditions ?? [];
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
      if (complete || (current.status?.succeeded ?? 0) > 0) {
        for (const step of steps) if (step.status !== 'succeeded') step.status = 'succeeded';
        return { state: 'succeeded', steps };
      }
      if (failed || (current.status?.failed ?? 0) > 0) {
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
    },

    async stop(job: JobRef): Promise<void> {
      await kube.deleteJob(job.namespace, job.externalName);
      await kube.deleteSecret(job.namespace, secretNameOf(job));
    },

    async openLog(job: JobRef, stepIndex: number, fromByte: number, isFinished: () => boolean) {
      const pod = await podOf(job);
      const name = pod?.spec?.initContainers?.[stepIndex]?.name;
      const status = pod?.status?.initContainerStatuses?.find((s) => s.name === name);
      if (!pod?.metadata?.name || !name || !(status?.state?.running || status?.state?.terminated))
        return null;
      const source = await kube.podLogs(
        { namespace: job.namespace, pod: pod.metadata.name, container: name },
        { follow: !isFinished() },
      );
      return followLog(source, { fromByte, isFinished, quietAfterEndMs: QUIET_AFTER_END_MS });
    },

    watch(onRun: (runId: string) => void): () => void {
      const stop = new AbortController();
      const labelSelector = 'app.kubernetes.io/managed-by=slipway';
      const onEvent = (event: { object: { metadata?: { labels?: Record<string, string> } } }) => {
        const runId = event.object.metadata?.labels?.[`${LABEL_PREFIX}/run`];
        if (runId) onRun(runId);
      };
      for (const target of [
        { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
        { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
      ]) {
        void kube
          .watch({ ...target, labelSelector }, { signal: stop.signal, onEvent })
          .catch(() => undefined);
      }
      return () => stop.abort();
    },

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
  };
}

import type {
  KubernetesObject,
  V1DaemonSet,
  V1Deployment,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';

/** Where a workload's rollout stands: still `progressing`, `done`, or `failed` (with why). */
export interface RolloutStatus {
  state: 'done' | 'progressing' | 'failed';
  /** kubectl's wording (`Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...`). */
  message: string;
}

/** The Progressing condition's reason once a Deployment passes `progressDeadlineSeconds` (deployment controller's `TimedOutReason`). */
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

/**
 * The rollout status of a Deployment, StatefulSet or DaemonSet as read from the API server,
 * following `kubectl rollout status` (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go:
 * DeploymentStatusViewer, DaemonSetStatusViewer, StatefulSetStatusViewer) — the same checks in
 * the same order, the same messages (without the trailing newline). Where kubectl ends with an
 * error, this says `failed` (a Deployment past its progress deadline, with the condition's
 * message) or `done` (a DaemonSet/StatefulSet whose update strategy is not RollingUpdate: there
 * is no rollout to follow). Any other kind has no rollout: `done`.
 */
export function rolloutStatusOf(object: KubernetesObject): RolloutStatus {
  switch (object.kind) {
    case 'Deployment':
      return deploymentStatus(object as V1Deployment);
    case 'DaemonSet':
      return daemonSetStatus(object as V1DaemonSet);
    case 'StatefulSet':
      return statefulSetStatus(object as V1StatefulSet);
    default:
      return {
        state: 'done',
        message: `${object.kind ?? 'object'} "${object.metadata?.name}" has no rollout`,
      };
  }
}

const progressing = (message: string): RolloutStatus => ({ state: 'progressing', message });

function deploymentStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name;
  const status = deployment.status ?? {};
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return progressing('Waiting for deployment spec update to be observed...');
  }
  const condition = status.conditions?.find((c) => c.type === 'Progressing');
  if (condition?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return {
      state: 'failed',
      message: `deployment "${name}" exceeded its progress deadline${condition.message ? `: ${condition.message}` : ''}`,
    };
  }
  const updated = status.updatedReplicas ?? 0;
  const replicas = deployment.spec?.replicas;
  if (replicas !== undefined && updated < replicas) {
    return progressing(
      `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    );
  }
  if ((status.replicas ?? 0) > updated) {
    return progressing(
      `Waiting for deployment "${name}" rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination...`,
    );
  }
  if ((status.availableReplicas ?? 0) < updated) {
    return progressing(
      `Waiting for deployment "${name}" rollout to finish: ${status.availableReplicas ?? 0} of ${updated} updated replicas are available...`,
    );
  }
  return { state: 'done', message: `deployment "${name}" successfully rolled out` };
}

function daemonSetStatus(daemonSet: V1DaemonSet): RolloutStatus {
  const name = daemonSet.metadata?.name;
  const status = daemonSet.status;
  const strategy = daemonSet.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy !== 'RollingUpdate') {
    return { state: 'done', message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if ((daemonSet.metadata?.generation ?? 0) > (status?.observedGeneration ?? 0)) {
    return progressing('Waiting for daemon set spec update to be observed...');
  }
  const desired = status?.desiredNumberScheduled ?? 0;
  const updated = status?.updatedNumberScheduled ?? 0;
  if (updated < desired) {
    return progressing(
      `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    );
  }
  const available = status?.numberAvailable ?? 0;
  if (available < desired) {
    return progressing(
      `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    );
  }
  return { state: 'done', message: `daemon set "${name}" successfully rolled out` };
}

function statefulSetStatus(statefulSet: V1StatefulSet): RolloutStatus {
  const status = statefulSet.status;
  const strategy = statefulSet.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return { state: 'done', message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  const observed = status?.observedGeneration ?? 0;
  if (observed === 0 || (statefulSet.metadata?.generation ?? 0) > observed) {
    return progressing('Waiting for statefulset spec update to be observed...');
  }
  const replicas = statefulSet.spec?.replicas;
  const ready = status?.readyReplicas ?? 0;
  if (replicas !== undefined && ready < replicas) {
    return progressing(`Waiting for ${replicas - ready} pods to be ready...`);
  }
  const updated = status?.updatedReplicas ?? 0;
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return progressing(
        `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
      );
    }
    return {
      state: 'done',
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  if (status?.updateRevision !== status?.currentRevision) {
    return progressing(
      `waiting for statefulset rolling update to complete ${updated} pods at revision ${status?.updateRevision}...`,
    );
  }
  return {
    state: 'done',
    message: `statefulset rolling update complete ${status?.currentReplicas ?? 0} pods at revision ${status?.currentRevision}...`,
  };
}

/** A container the kubelet keeps restarting after it crashed. */
export interface CrashLoopingContainer {
  pod: string;
  container: string;
  /** The waiting reason (`CrashLoopBackOff`). */
  reason: string;
  restarts: number;
}

/**
 * The containers (init containers included) waiting in `CrashLoopBackOff`, the kubelet's back-off
 * after a container exited and was restarted — what `kubectl get pods` shows in STATUS.
 */
export function crashLoopingPods(pods: V1Pod[]): CrashLoopingContainer[] {
  const found: CrashLoopingContainer[] = [];
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const container of statuses) {
      const reason = container.state?.waiting?.reason;
      if (reason === 'CrashLoopBackOff') {
        found.push({
          pod: pod.metadata?.name ?? '',
          container: container.name,
          reason,
          restarts: container.restartCount ?? 0,
        });
      }
    }
  }
  return found;
}

import type { EnvironmentWorkloads } from '@slipway/contracts';
import type { CoreV1Event, V1Deployment, V1Pod } from '@slipway/kube';

const MAX_EVENTS = 50;

function matchesSelector(pod: V1Pod, selector: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function timeOf(event: CoreV1Event): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

/** Shapes live cluster objects for the environment view: each Deployment with its pods, newest events first. */
export function toWorkloads(
  deployments: V1Deployment[],
  pods: V1Pod[],
  events: CoreV1Event[],
): Pick<EnvironmentWorkloads, 'deployments' | 'events'> {
  return {
    deployments: deployments
      .map((deployment) => ({
        name: deployment.metadata?.name ?? '',
        replicas: deployment.spec?.replicas ?? 0,
        readyReplicas: deployment.status?.readyReplicas ?? 0,
        availableReplicas: deployment.status?.availableReplicas ?? 0,
        updatedReplicas: deployment.status?.updatedReplicas ?? 0,
        images: (deployment.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ''),
        available:
          deployment.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false,
        pods: pods
          .filter((pod) => matchesSelector(pod, deployment.spec?.selector.matchLabels))
          .map((pod) => ({
            name: pod.metadata?.name ?? '',
            phase: pod.status?.phase ?? null,
            ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
            restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
            node: pod.spec?.nodeName ?? null,
            startedAt: pod.status?.startTime ? new Date(pod.status.startTime).toISOString() : null,
          })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    events: [...events]
      .sort((a, b) => timeOf(b) - timeOf(a))
      .slice(0, MAX_EVENTS)
      .map((event) => ({
        type: event.type ?? null,
        reason: event.reason ?? null,
        message: event.message ?? null,
        object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
        count: event.count ?? null,
        lastSeen: timeOf(event) ? new Date(timeOf(event)).toISOString() : null,
      })),
  };
}

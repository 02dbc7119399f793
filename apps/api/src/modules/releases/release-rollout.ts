import { text } from 'node:stream/consumers';
import {
  type CoreV1Event,
  crashLoopingPods,
  type KubeClient,
  type KubernetesObject,
  rolloutStatusOf,
  type V1Pod,
} from '@slipway/kube';
import { refText, selectorOf, WORKLOAD_KINDS } from './release-labels.ts';
import { objectRef } from './release-prune.ts';
import type { CrashLoop, ReleaseObservation } from './release-transitions.ts';
import type { ReleaseRow } from './releases.repo.ts';

/** Lines of a crash-looping container's log put into the failure. */
const CRASH_LOG_LINES = 20;

/** The rollout of every workload applied, its crash-looping pods and their warnings. */
export async function observeRollout(release: ReleaseRow, kube: KubeClient): Promise<ReleaseObservation> {
  const namespace = release.namespace;
  const workloads = (release.objects as unknown as KubernetesObject[]).filter((o) =>
    WORKLOAD_KINDS.has(o.kind ?? ''),
  );
  const seen = await Promise.all(
    workloads.map(async (object) => {
      const live = await kube.getObject(objectRef(object, namespace));
      const status = live
        ? rolloutStatusOf(live)
        : { state: 'progressing' as const, message: 'not found in the cluster yet' };
      const matchLabels = (object as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec
        ?.selector?.matchLabels;
      const selector = selectorOf(matchLabels);
      const pods = status.state === 'done' || !selector ? [] : await kube.listPods(namespace, selector);
      return { ref: refText(object), ...status, pods };
    }),
  );
  const pods = seen.flatMap((workload) => workload.pods);
  const crashLooping: CrashLoop[] = await Promise.all(
    crashLoopingPods(pods).map(async (crash) => ({
      ...crash,
      lastLines: await lastLines(kube, namespace, crash.pod, crash.container),
    })),
  );
  const podEvents = pods.length > 0 ? warningsOf(await kube.listEvents(namespace), pods) : [];
  return {
    type: 'rollout',
    workloads: seen.map(({ ref, state, message }) => ({ ref, state, message })),
    crashLooping,
    podEvents,
  };
}

async function lastLines(kube: KubeClient, namespace: string, pod: string, container: string) {
  try {
    const stream = await kube.podLogs({ namespace, pod, container }, { tailLines: CRASH_LOG_LINES });
    return (await text(stream)).split('\n').filter((line) => line.length > 0);
  } catch {
    return undefined;
  }
}

/** Warning events of the pods (`Pod/web-1: BackOff: …`), newest last, without repeats. */
function warningsOf(events: CoreV1Event[], pods: V1Pod[]): string[] {
  const names = new Set(pods.map((pod) => pod.metadata?.name));
  const lines = events
    .filter(
      (e) => e.type === 'Warning' && e.involvedObject.kind === 'Pod' && names.has(e.involvedObject.name),
    )
    .map((e) => `Pod/${e.involvedObject.name}: ${e.reason ?? 'Warning'}: ${e.message ?? ''}`.trim());
  return [...new Set(lines)].slice(-10);
}

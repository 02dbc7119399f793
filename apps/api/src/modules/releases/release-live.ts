import type { EnvironmentLiveSchema } from '@slipway/contracts';
import { KubeError, rolloutStatusOf } from '@slipway/kube';
import type { z } from 'zod';
import type { ClusterClients, ClusterCredentials } from '../clusters/cluster-clients.ts';
import { toWorkloads } from '../environments/workloads.ts';
import { PROJECT_LABEL } from './release-labels.ts';
import type { ReleasesRepo } from './releases.repo.ts';
import { toRelease } from './releases.service.ts';

export type EnvironmentLive = z.infer<typeof EnvironmentLiveSchema>;

/** What is live in an environment, for the projects given (`all`, or their ids). */
export type LiveView = (
  environment: { id: string; namespace: string | null; cluster: ClusterCredentials | null },
  projectIds: 'all' | string[],
) => Promise<EnvironmentLive>;

/**
 * Per project with releases in the environment: the live release (newest succeeded), the
 * newest when it came after it, and from the cluster the project's Deployments (labelled
 * `slipway.dev/project`) with their pods, their rollout state and recent events (the shapes
 * of the environment's workloads view). An unreachable cluster gives state `unknown` and
 * its reason, never an error.
 */
export function createLiveView(deps: { releases: ReleasesRepo; clients: ClusterClients }): LiveView {
  return async (environment, projectIds) => {
    const { latest, live } = await deps.releases.liveIn(environment.id, projectIds);
    const liveOf = new Map(live.map((row) => [row.projectId, row]));
    let cluster: Awaited<ReturnType<typeof readCluster>> | string = 'the environment has no cluster';
    if (environment.cluster && environment.namespace) {
      cluster = await readCluster(deps.clients, environment.cluster, environment.namespace).catch(
        (error: unknown) =>
          error instanceof KubeError ? `${error.message} (${error.statusCode})` : String(error),
      );
    }
    const items = latest.map((newest) => {
      const current = liveOf.get(newest.projectId) ?? null;
      const base = {
        project: newest.project.slug,
        live: current ? toRelease(current) : null,
        latest: current?.id === newest.id ? null : toRelease(newest),
      };
      if (typeof cluster === 'string') {
        return {
          ...base,
          rollout: { state: 'unknown' as const, message: cluster },
          workloads: [],
          events: [],
        };
      }
      const deployments = cluster.deployments.filter(
        (d) => d.metadata?.labels?.[PROJECT_LABEL] === newest.project.slug,
      );
      const shaped = toWorkloads(deployments, cluster.pods, cluster.events);
      const names = new Set([
        ...shaped.deployments.map((d) => d.name),
        ...shaped.deployments.flatMap((d) => d.pods.map((p) => p.name)),
      ]);
      const states = deployments.map((d) => rolloutStatusOf(d));
      const failed = states.find((s) => s.state === 'failed');
      const progressing = states.find((s) => s.state === 'progressing');
      const rollout =
        deployments.length === 0
          ? { state: 'missing' as const, message: 'no Deployment of the project in the namespace' }
          : failed
            ? { state: 'failed' as const, message: failed.message }
            : progressing
              ? { state: 'progressing' as const, message: progressing.message }
              : { state: 'available' as const, message: null };
      return {
        ...base,
        rollout,
        workloads: shaped.deployments,
        events: shaped.events.filter((e) => names.has(e.object.split('/')[1] ?? '')),
      };
    });
    return { items };
  };
}

async function readCluster(clients: ClusterClients, cluster: ClusterCredentials, namespace: string) {
  const kube = clients.clientFor(cluster);
  const [deployments, pods, events] = await Promise.all([
    kube.listDeployments(namespace),
    kube.listPods(namespace),
    kube.listEvents(namespace),
  ]);
  return { deployments, pods, events };
}

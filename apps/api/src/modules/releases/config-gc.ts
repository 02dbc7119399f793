import type { FastifyBaseLogger } from 'fastify';
import type { AuditRepo } from '../audit/audit.repo.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import { CONFIG_SET_LABEL, MANAGED_BY_LABEL, PROJECT_LABEL } from './release-labels.ts';
import type { ReleasesRepo } from './releases.repo.ts';

/** How often the leader collects ConfigMaps besides after every finished release, ms. */
export const GC_INTERVAL_MS = 10 * 60_000;

/**
 * Garbage collection of config versions (leader only). Per environment and project it
 * keeps the ConfigMaps of the live release, of releases still deploying and of the last
 * `retainReleases` releases, and deletes every other config version ConfigMap in the
 * namespace (labelled `app.kubernetes.io/managed-by=slipway`, `slipway.dev/project=<project>`
 * and `slipway.dev/config-set`; ConfigMaps among a release's manifests are left alone). Each deletion
 * is an audit event (`deleteConfigMap`, actor `system`). A cluster that does not answer is
 * skipped until the next collection.
 */
export function createConfigGc(deps: {
  releases: ReleasesRepo;
  clients: ClusterClients;
  audit: AuditRepo;
  logger?: FastifyBaseLogger | undefined;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function collectOne(target: Awaited<ReturnType<ReleasesRepo['gcTargets']>>[number]) {
    const environment = await deps.releases.environmentOf(target.environmentId);
    if (!environment?.cluster || !environment.namespace) return 0;
    const namespace = environment.namespace;
    const kube = deps.clients.clientFor(environment.cluster);
    const keep = await deps.releases.retainedConfigMaps(
      target.projectId,
      target.environmentId,
      target.retain,
    );
    const found = await kube.listConfigMaps(
      namespace,
      // Only config versions (a ConfigMap among the manifests carries no config-set label).
      `${MANAGED_BY_LABEL}=slipway,${PROJECT_LABEL}=${target.projectSlug},${CONFIG_SET_LABEL}`,
    );
    let deleted = 0;
    for (const configMap of found) {
      const name = configMap.metadata?.name;
      if (!name || keep.has(name)) continue;
      await kube.deleteConfigMap(namespace, name);
      deleted += 1;
      await deps.audit.record({
        actorId: null,
        actorName: 'system',
        actorVia: 'system',
        action: 'deleteConfigMap',
        objectType: 'configmaps',
        objectName: `${target.workspaceSlug}/${target.projectSlug}/${target.environmentName}/${name}`,
        workspace: target.workspaceSlug,
        project: target.projectSlug,
        outcome: 'allowed',
        statusCode: 200,
        ipAddress: null,
        requestId: 'config-gc',
        detail: {
          values: {
            namespace,
            reason: `not used by the live release nor the last ${target.retain} releases`,
          },
        },
      });
    }
    return deleted;
  }

  /** One collection over every environment with releases; returns how many ConfigMaps went. */
  async function collect(filter?: { projectId: string; environmentId: string | null }): Promise<number> {
    let deleted = 0;
    for (const target of await deps.releases.gcTargets()) {
      if (
        filter &&
        (filter.projectId !== target.projectId || filter.environmentId !== target.environmentId)
      ) {
        continue;
      }
      try {
        deleted += await collectOne(target);
      } catch (error) {
        deps.logger?.warn(
          { err: error, project: target.projectSlug, environment: target.environmentName },
          'collecting ConfigMaps failed; will try again',
        );
      }
    }
    return deleted;
  }

  return {
    /**
     * Collects now (one collection at a time: a call during one waits for it, then runs
     * again). `filter` limits it to one project and environment.
     */
    async collect(filter?: { projectId: string; environmentId: string | null }): Promise<number> {
      while (running) await running.catch(() => undefined);
      running = collect(filter).finally(() => {
        running = undefined;
      });
      return running;
    },
    start(): void {
      if (timer) return;
      timer = setInterval(() => void this.collect().catch(() => undefined), GC_INTERVAL_MS);
      timer.unref?.();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type ConfigGc = ReturnType<typeof createConfigGc>;

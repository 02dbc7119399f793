import type {
  Cluster,
  ClusterCheck,
  CreateClusterBody,
  PageQuery,
  UpdateClusterBody,
} from '@slipway/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@slipway/db';
import { type AccessCheck, KubeError, loadKubeConfig } from '@slipway/kube';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { AccessService } from '../access/access.service.ts';
import { type ActiveRunsGuard, activeRunDetails, describeActiveRuns } from '../runs/active-runs-guard.ts';
import type { ClusterClients } from './cluster-clients.ts';
import type { ClusterRow, ClustersRepo } from './clusters.repo.ts';

/**
 * What Slipway does in a cluster: manage namespaces, run Jobs, read logs, deploy. Deploys act as
 * each environment's `slipway-deployer` service account, which Slipway creates and binds to the
 * ClusterRole `edit` in the namespace, and then impersonates (`impersonate serviceaccounts`).
 */
export const REQUIRED_ACCESS: AccessCheck[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'create', resource: 'jobs', group: 'batch' },
  { verb: 'get', resource: 'pods', subresource: 'log' },
  { verb: 'patch', resource: 'deployments', group: 'apps' },
  { verb: 'create', resource: 'configmaps' },
  { verb: 'create', resource: 'secrets' },
  { verb: 'create', resource: 'serviceaccounts' },
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io' },
  { verb: 'impersonate', resource: 'serviceaccounts' },
];

function toCluster(row: ClusterRow): Cluster {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    inCluster: row.inCluster,
    server: row.server,
    context: row.context,
    environmentCount: row._count.environments,
    lastCheck: (row.lastCheck as ClusterCheck | null) ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The API server address of a kubeconfig's current cluster must be an absolute `https://`
 * or `http://` URL with a host and no query or fragment (client-node appends API paths to
 * it). Anything else would be stored and fail at the first call as "the cluster at
 * https://undefined:undefined" (a 502 found by the fuzz tier, #17): refused here with a 400.
 */
function requireServerUrl(server: string): string {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  const valid =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname !== '' &&
    url.search === '' &&
    url.hash === '' &&
    !server.includes('?') &&
    !server.includes('#');
  if (!valid) {
    const message = "the current cluster's server must be an https:// (or http://) URL with a host";
    throw new BadRequestError(`kubeconfig: ${message}, not ${JSON.stringify(server.slice(0, 200))}`, [
      { field: 'body.kubeconfig', message },
    ]);
  }
  return server;
}

/** Validates a kubeconfig (and context) and returns what is stored: encrypted text, server. */
function sealKubeconfig(secrets: SecretBox, kubeconfig: string, context: string | undefined) {
  const kc = loadKubeConfig({ kubeconfig, context });
  // loadKubeConfig refuses a current context without a server; its form is checked here.
  const server = requireServerUrl(kc.getCurrentCluster()?.server ?? '');
  return {
    kubeconfigEncrypted: secrets.encrypt(kubeconfig),
    server,
    context: context ?? kc.getCurrentContext(),
  };
}

export function createClustersService(deps: {
  clusters: ClustersRepo;
  secrets: SecretBox;
  clients: ClusterClients;
  access: AccessService;
  /** Refuses deleting a cluster with active runs (or cancels them first). */
  guard: ActiveRunsGuard;
}) {
  const { clusters, secrets, clients, access } = deps;
  const requirePlatformAdmin = (actor: Actor) => access.requirePlatform(actor, 'platform.clusters.manage');

  async function findOrThrow(name: string): Promise<ClusterRow> {
    const row = await clusters.findByName(name);
    if (!row) throw new NotFoundError(`cluster "${name}" not found`);
    return row;
  }

  return {
    findOrThrow,

    async list(actor: Actor, query: PageQuery) {
      await requirePlatformAdmin(actor);
      const rows = await clusters.list({ afterName: decodeCursor(query.cursor), take: query.limit + 1 });
      return toPage(rows, query.limit, (row) => row.name, toCluster);
    },

    async get(actor: Actor, name: string): Promise<Cluster> {
      await requirePlatformAdmin(actor);
      return toCluster(await findOrThrow(name));
    },

    async create(actor: Actor, body: CreateClusterBody): Promise<Cluster> {
      await requirePlatformAdmin(actor);
      const credentials = body.kubeconfig
        ? sealKubeconfig(secrets, body.kubeconfig, body.context)
        : { kubeconfigEncrypted: null, server: null, context: null };
      try {
        const row = await clusters.create({
          name: body.name,
          description: body.description ?? null,
          inCluster: body.inCluster ?? false,
          ...credentials,
        });
        return toCluster(row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError(`cluster "${body.name}" already exists`, [
            { field: 'body.name', message: 'already taken' },
          ]);
        }
        throw error;
      }
    },

    async update(actor: Actor, name: string, body: UpdateClusterBody): Promise<Cluster> {
      await requirePlatformAdmin(actor);
      const existing = await findOrThrow(name);
      const changesCredentials = body.kubeconfig !== undefined || body.context !== undefined;
      let credentials = {};
      if (changesCredentials) {
        const kubeconfig =
          body.kubeconfig ??
          (existing.kubeconfigEncrypted ? secrets.decrypt(existing.kubeconfigEncrypted) : undefined);
        if (!kubeconfig) {
          throw new ForbiddenError(
            `cluster "${name}" uses in-cluster credentials; it has no kubeconfig to change`,
          );
        }
        credentials = {
          ...sealKubeconfig(secrets, kubeconfig, body.context ?? undefined),
          inCluster: false,
          // New credentials make the last check meaningless.
          lastCheck: null as never,
        };
      }
      const row = await clusters.update(existing.id, {
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...credentials,
      });
      clients.forget(existing.id);
      return toCluster(row);
    },

    /**
     * Unregisters the cluster. Refused (409) while environments use it (they must be moved or
     * deleted first; the refusal also names their active runs, and nothing is cancelled) or
     * while runs are active on it, unless `cancelRuns`: they are cancelled and stopped first.
     */
    async delete(
      actor: Actor,
      name: string,
      options: { cancelRuns?: boolean; requestId: string },
    ): Promise<void> {
      await requirePlatformAdmin(actor);
      const existing = await findOrThrow(name);
      const scope = { clusterId: existing.id };
      const refuse = async (count: number) => {
        const runs = await deps.guard.activeRuns(scope);
        const busy = runs.length > 0 ? `; they have ${describeActiveRuns(runs)}` : '';
        return new ConflictError(
          `cluster "${name}" is used by ${count} environment${count === 1 ? '' : 's'}; move or delete them first${busy}`,
          runs.length > 0 ? activeRunDetails(runs) : undefined,
        );
      };
      // Cancelling runs for a delete that would be refused anyway would only do harm.
      if (existing._count.environments > 0) throw await refuse(existing._count.environments);
      try {
        await deps.guard.deleteUnlessActive({
          actor,
          requestId: options.requestId,
          target: { kind: 'cluster', name },
          scope,
          cancelRuns: options.cancelRuns ?? false,
          remove: async (tx) => {
            await clusters.delete(existing.id, tx);
          },
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw await refuse(1);
        throw error;
      }
      clients.forget(existing.id);
    },

    /**
     * Connects with the stored credentials and records what it found. An unreachable or
     * under-privileged cluster is a normal answer (`ok: false` with the reason), not an error.
     */
    async check(actor: Actor, name: string): Promise<ClusterCheck> {
      await requirePlatformAdmin(actor);
      const existing = await findOrThrow(name);
      const result: ClusterCheck = {
        checkedAt: new Date().toISOString(),
        reachable: false,
        serverVersion: null,
        nodeCount: null,
        permissions: [],
        ok: false,
        error: null,
      };
      try {
        const kube = clients.clientFor(existing);
        result.serverVersion = (await kube.serverVersion()).gitVersion;
        result.reachable = true;
        const access = await kube.canI(REQUIRED_ACCESS);
        result.permissions = access.map((a) => ({
          verb: a.verb,
          resource: a.subresource ? `${a.resource}/${a.subresource}` : a.resource,
          allowed: a.allowed,
        }));
        result.nodeCount = await kube.listNodes().then(
          (nodes) => nodes.length,
          () => null,
        );
        const denied = result.permissions.filter((p) => !p.allowed);
        result.ok = denied.length === 0;
        if (denied.length > 0) {
          result.error = `the credentials may not: ${denied.map((p) => `${p.verb} ${p.resource}`).join(', ')}`;
        }
      } catch (error) {
        result.error = error instanceof KubeError || error instanceof Error ? error.message : String(error);
      }
      await clusters.update(existing.id, { lastCheck: result });
      return result;
    },
  };
}

export type ClustersService = ReturnType<typeof createClustersService>;

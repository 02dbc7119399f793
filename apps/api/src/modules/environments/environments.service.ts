import type {
  ApprovalPolicy,
  CreateEnvironmentBody,
  Environment,
  EnvironmentWorkloads,
  UpdateEnvironmentBody,
} from '@slipway/contracts';
import { isUniqueViolation } from '@slipway/db';
import type { Actor } from '../../lib/actor.ts';
import { noteChanges } from '../../lib/audit-note.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import type { ClusterRow, ClustersRepo } from '../clusters/clusters.repo.ts';
import type { ActiveRunsGuard } from '../runs/active-runs-guard.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { EnvironmentRow, EnvironmentsRepo } from './environments.repo.ts';
import { activeFreeze, freezeWindowProblems, storedFreezeWindows } from './freeze-windows.ts';
import {
  assertNamespaceUsable,
  defaultNamespace,
  deleteOwnedNamespace,
  ensureDeployer,
  ensureNamespace,
} from './namespaces.ts';
import { toWorkloads } from './workloads.ts';

/** Production needs one approval by an operator and never the run's own starter, unless told otherwise. */
export function defaultApprovalPolicy(production: boolean): ApprovalPolicy {
  return production
    ? {
        requiredApprovals: 1,
        approverRole: 'operator',
        allowSelfApproval: false,
        expiryMinutes: DEFAULT_APPROVAL_EXPIRY_MINUTES,
        autoRollback: false,
      }
    : {
        requiredApprovals: 0,
        approverRole: 'operator',
        allowSelfApproval: true,
        expiryMinutes: DEFAULT_APPROVAL_EXPIRY_MINUTES,
        autoRollback: false,
      };
}

/** 24 hours. */
export const DEFAULT_APPROVAL_EXPIRY_MINUTES = 1440;

/** The policy fields of a request as the environment's columns. */
export function policyColumns(policy: Partial<ApprovalPolicy> | undefined) {
  if (!policy) return {};
  const { expiryMinutes, ...rest } = policy;
  return { ...rest, ...(expiryMinutes !== undefined ? { approvalExpiryMinutes: expiryMinutes } : {}) };
}

export function toEnvironment(workspace: string, row: EnvironmentRow, now = new Date()): Environment {
  const freezeWindows = storedFreezeWindows(row.freezeWindows);
  const frozen = activeFreeze(freezeWindows, now);
  return {
    id: row.id,
    workspace,
    name: row.name,
    cluster: row.cluster?.name ?? null,
    namespace: row.namespace,
    order: row.position,
    production: row.production,
    approvalPolicy: {
      requiredApprovals: row.requiredApprovals,
      approverRole: row.approverRole,
      allowSelfApproval: row.allowSelfApproval,
      expiryMinutes: row.approvalExpiryMinutes,
      autoRollback: row.autoRollback,
    },
    locked: row.locked,
    freezeWindows,
    frozen: frozen ? { window: frozen.window, until: frozen.until.toISOString() } : null,
    retainReleases: row.retainReleases,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function assertFreezeWindows(windows: CreateEnvironmentBody['freezeWindows']) {
  const problems = freezeWindowProblems(windows ?? []);
  if (problems.length > 0) {
    throw new BadRequestError(
      `freeze windows: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems,
    );
  }
}

export function createEnvironmentsService(deps: {
  environments: EnvironmentsRepo;
  clusters: ClustersRepo;
  workspaces: WorkspacesService;
  clients: ClusterClients;
  /** Refuses deleting an environment with active runs (or cancels them first). */
  guard: ActiveRunsGuard;
  /** The roles a policy may name in the workspace: the built-in ones and its custom roles. */
  approverRoles: (workspaceId: string) => Promise<string[]>;
  /**
   * The environment was changed (lock, freeze windows, policy…): the release controller
   * looks at its deploy queue again at once (an unlock or a removed window lets it move).
   */
  onChange?: ((environmentId: string) => void) | undefined;
}) {
  const { environments, clusters, workspaces, clients } = deps;

  /** The approver role must be a built-in role or a custom role of the workspace (400 otherwise). */
  async function assertApproverRole(workspaceId: string, workspaceSlug: string, role: string | undefined) {
    if (role === undefined) return;
    const roles = await deps.approverRoles(workspaceId);
    if (roles.includes(role)) return;
    throw new BadRequestError(
      `approvalPolicy.approverRole: workspace "${workspaceSlug}" has no role "${role}" (built-in or custom: ${roles.join(', ')})`,
      [{ field: 'body.approvalPolicy.approverRole', message: `no role "${role}" in the workspace` }],
    );
  }

  async function findOrThrow(workspaceId: string, workspaceSlug: string, name: string) {
    const row = await environments.findByName(workspaceId, name);
    if (!row) throw new NotFoundError(`environment "${name}" not found in workspace "${workspaceSlug}"`);
    return row;
  }

  async function clusterByName(name: string): Promise<ClusterRow> {
    const cluster = await clusters.findByName(name);
    if (!cluster) {
      throw new BadRequestError(`no cluster named "${name}"`, [
        { field: 'body.cluster', message: 'unknown cluster' },
      ]);
    }
    return cluster;
  }

  /**
   * Resolves where an environment lives and prepares the namespace there. Returns the
   * columns to store; refuses a namespace another environment or workspace holds.
   */
  async function placeEnvironment(input: {
    workspaceSlug: string;
    environmentName: string;
    environmentId?: string;
    cluster: string | null;
    namespace: string | null;
  }): Promise<{ clusterId: string | null; namespace: string | null }> {
    if (!input.cluster) {
      if (input.namespace) {
        throw new BadRequestError(
          'a namespace needs a cluster; without one the environment runs on the local executor',
          [{ field: 'body.namespace', message: 'requires body.cluster' }],
        );
      }
      return { clusterId: null, namespace: null };
    }
    const cluster = await clusterByName(input.cluster);
    const namespace = input.namespace ?? defaultNamespace(input.workspaceSlug, input.environmentName);
    assertNamespaceUsable(namespace);
    const holder = await environments.findByNamespace(cluster.id, namespace);
    if (holder && holder.id !== input.environmentId) {
      throw new ConflictError(
        `namespace "${namespace}" on cluster "${cluster.name}" is already used by environment "${holder.name}" of workspace "${holder.workspace.slug}"`,
        [{ field: 'body.namespace', message: 'already used by another environment' }],
      );
    }
    const kube = clients.clientFor(cluster);
    await ensureNamespace(kube, {
      namespace,
      workspace: input.workspaceSlug,
      environment: input.environmentName,
      cluster: cluster.name,
    });
    await ensureDeployer(kube, namespace);
    return { clusterId: cluster.id, namespace };
  }

  const duplicate = (workspaceSlug: string, name: string) =>
    new ConflictError(`environment "${name}" already exists in workspace "${workspaceSlug}"`, [
      { field: 'body.name', message: 'already taken' },
    ]);

  return {
    async list(actor: Actor, workspaceSlug: string): Promise<{ items: Environment[] }> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      const rows = await environments.listByWorkspace(workspace.id);
      return { items: rows.map((row) => toEnvironment(workspaceSlug, row)) };
    },

    async get(actor: Actor, workspaceSlug: string, name: string): Promise<Environment> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      return toEnvironment(workspaceSlug, await findOrThrow(workspace.id, workspaceSlug, name));
    },

    async create(actor: Actor, workspaceSlug: string, body: CreateEnvironmentBody): Promise<Environment> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      if (await environments.findByName(workspace.id, body.name)) throw duplicate(workspaceSlug, body.name);
      const production = body.production ?? false;
      const policy = policyColumns({ ...defaultApprovalPolicy(production), ...body.approvalPolicy });
      assertFreezeWindows(body.freezeWindows);
      await assertApproverRole(workspace.id, workspaceSlug, body.approvalPolicy?.approverRole);
      const placement = await placeEnvironment({
        workspaceSlug,
        environmentName: body.name,
        cluster: body.cluster ?? null,
        namespace: body.namespace ?? null,
      });
      try {
        const row = await environments.create({
          workspaceId: workspace.id,
          name: body.name,
          ...placement,
          position: body.order ?? 0,
          production,
          ...policy,
          ...(body.freezeWindows !== undefined ? { freezeWindows: body.freezeWindows } : {}),
          ...(body.retainReleases !== undefined ? { retainReleases: body.retainReleases } : {}),
        });
        return toEnvironment(workspaceSlug, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate(workspaceSlug, body.name);
        throw error;
      }
    },

    async update(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      body: UpdateEnvironmentBody,
      options: { cancelRuns?: boolean; requestId: string },
    ): Promise<Environment> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      const existing = await findOrThrow(workspace.id, workspaceSlug, name);
      assertFreezeWindows(body.freezeWindows);
      await assertApproverRole(workspace.id, workspaceSlug, body.approvalPolicy?.approverRole);
      const moves = body.cluster !== undefined || body.namespace !== undefined;
      const placement = moves
        ? await placeEnvironment({
            workspaceSlug,
            environmentName: name,
            environmentId: existing.id,
            cluster: body.cluster !== undefined ? body.cluster : (existing.cluster?.name ?? null),
            namespace:
              body.namespace !== undefined
                ? body.namespace
                : body.cluster !== undefined && body.cluster !== (existing.cluster?.name ?? null)
                  ? null
                  : existing.namespace,
          })
        : null;
      const data = {
        ...placement,
        ...(body.order !== undefined ? { position: body.order } : {}),
        ...(body.production !== undefined ? { production: body.production } : {}),
        ...(body.locked !== undefined ? { locked: body.locked } : {}),
        ...(body.retainReleases !== undefined ? { retainReleases: body.retainReleases } : {}),
        ...(body.freezeWindows !== undefined ? { freezeWindows: body.freezeWindows } : {}),
        ...policyColumns(body.approvalPolicy),
      };
      // Jobs already started stay where they are (each records its cluster and namespace),
      // but a run's later jobs would start in the new place: a move waits for no active run.
      const moved =
        placement !== null &&
        (placement.clusterId !== existing.clusterId || placement.namespace !== existing.namespace);
      let row = existing;
      if (moved) {
        await deps.guard.deleteUnlessActive({
          actor,
          requestId: options.requestId,
          target: { kind: 'environment', name },
          change: 'move',
          scope: { environmentId: existing.id },
          cancelRuns: options.cancelRuns ?? false,
          remove: async (tx) => {
            row = await environments.update(existing.id, data, tx);
          },
        });
      } else row = await environments.update(existing.id, data);
      deps.onChange?.(existing.id);
      const updated = toEnvironment(workspaceSlug, row);
      noteChanges(toEnvironment(workspaceSlug, existing), updated, [
        'cluster',
        'namespace',
        'order',
        'production',
        'locked',
        'approvalPolicy',
        'freezeWindows',
        'retainReleases',
      ]);
      return updated;
    },

    /**
     * Deletes the environment (and with `deleteNamespace` its namespace). Refused (409) while
     * it has active runs, unless `cancelRuns`: they are cancelled and stopped first.
     */
    async delete(
      actor: Actor,
      workspaceSlug: string,
      name: string,
      options: { deleteNamespace?: boolean; cancelRuns?: boolean; requestId: string },
    ) {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.environments.manage');
      const existing = await findOrThrow(workspace.id, workspaceSlug, name);
      await deps.guard.deleteUnlessActive({
        actor,
        requestId: options.requestId,
        target: { kind: 'environment', name },
        scope: { environmentId: existing.id },
        cancelRuns: options.cancelRuns ?? false,
        remove: async (tx) => {
          if (options.deleteNamespace && existing.cluster && existing.namespace) {
            await deleteOwnedNamespace(
              clients.clientFor(existing.cluster),
              existing.namespace,
              workspaceSlug,
            );
          }
          await environments.delete(existing.id, tx);
        },
      });
    },

    async workloads(actor: Actor, workspaceSlug: string, name: string): Promise<EnvironmentWorkloads> {
      const workspace = await workspaces.authorize(actor, workspaceSlug, 'workspace.read');
      const existing = await findOrThrow(workspace.id, workspaceSlug, name);
      if (!existing.cluster || !existing.namespace) {
        throw new BadRequestError(
          `environment "${name}" runs on the local executor; it has no cluster workloads`,
        );
      }
      const kube = clients.clientFor(existing.cluster);
      const [deployments, pods, events] = await Promise.all([
        kube.listDeployments(existing.namespace),
        kube.listPods(existing.namespace),
        kube.listEvents(existing.namespace),
      ]);
      return {
        cluster: existing.cluster.name,
        namespace: existing.namespace,
        ...toWorkloads(deployments, pods, events),
      };
    },
  };
}

export type EnvironmentsService = ReturnType<typeof createEnvironmentsService>;

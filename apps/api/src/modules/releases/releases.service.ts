import {
  FINISHED_RELEASE_STATUSES,
  type PageQuery,
  type Release,
  type ReleaseApproval,
  type ReleaseDiff,
  type ReleaseStatus,
  type ReleaseTrigger,
  WAITING_RELEASE_STATUSES,
} from '@slipway/contracts';
import type { KubernetesObject } from '@slipway/kube';
import type { Actor } from '../../lib/actor.ts';
import { decodeCursor, numberCursorKey, timeIdCursorKey, toPage } from '../../lib/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService } from '../access/access.service.ts';
import { activeFreeze, storedFreezeWindows } from '../environments/freeze-windows.ts';
import type { ProjectsService } from '../projects/projects.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import { type CommitLister, commitsBetween } from './release-commits.ts';
import { diffReleases, objectYaml } from './release-diff.ts';
import { environmentHold } from './release-hold.ts';
import { dedupeOf } from './release-idempotency.ts';
import type { EnvironmentLive, LiveView } from './release-live.ts';
import { rollbackInsert, wasLive } from './release-rollback.ts';
import type { ReleaseRow, ReleasesRepo } from './releases.repo.ts';

/** A release row as the API shows it. */
export function toRelease(row: Omit<ReleaseRow, 'objects'>): Release {
  return {
    number: row.number,
    project: row.project.slug,
    environment: row.environmentName,
    status: row.status as ReleaseStatus,
    message: row.message,
    image: row.image,
    imageDigest: row.imageDigest,
    manifestSet:
      row.manifestSetName !== null && row.manifestVersion !== null
        ? { name: row.manifestSetName, version: row.manifestVersion }
        : null,
    manifestPath: row.manifestPath,
    config: row.configs.map((c) => ({ name: c.name, version: c.version, configMapName: c.configMapName })),
    run:
      row.pipelineName !== null && row.runNumber !== null
        ? { pipeline: row.pipelineName, number: row.runNumber }
        : null,
    commit: row.commitSha,
    rollbackOf: row.rollbackOf,
    trigger: row.trigger as ReleaseTrigger,
    promotedFrom: (row.promotedFrom as Release['promotedFrom']) ?? null,
    holdReason: row.holdReason,
    approval: row.approval
      ? {
          id: row.approval.id,
          status: row.approval.status as ReleaseApproval['status'],
          required: row.approval.required,
          approverRole: row.approval.approverRole,
          allowSelfApproval: row.approval.allowSelfApproval,
          requestedAt: row.approval.requestedAt.toISOString(),
          expiresAt: row.approval.expiresAt.toISOString(),
          decidedAt: row.approval.decidedAt?.toISOString() ?? null,
          decisions: row.approval.decisions.map((d) => ({
            user: d.userName,
            decision: d.decision as 'approve' | 'reject',
            comment: d.comment,
            at: d.createdAt.toISOString(),
            adminOverride: d.adminOverride,
          })),
        }
      : null,
    freezeBreak: (row.freezeBreak as Release['freezeBreak']) ?? null,
    createdBy: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const QUEUE_RANK: Record<string, number> = { deploying: 0, queued: 1, 'awaiting-approval': 2 };

type QueueRow = Pick<ReleaseRow, 'status' | 'priority' | 'queueSeq' | 'createdAt'>;

/**
 * The order of an environment's queue as shown: deploying first, then queued releases in the
 * order `admitNext` starts them (priority desc, place asc), then those awaiting approval
 * (oldest first).
 */
function queueOrder(a: QueueRow, b: QueueRow): number {
  const byStatus = (QUEUE_RANK[a.status] ?? 3) - (QUEUE_RANK[b.status] ?? 3);
  if (byStatus !== 0) return byStatus;
  if (a.status === 'queued') {
    const byPriority = b.priority - a.priority;
    if (byPriority !== 0) return byPriority;
    const bySeq = (a.queueSeq ?? 0n) - (b.queueSeq ?? 0n);
    if (bySeq !== 0n) return bySeq < 0n ? -1 : 1;
  }
  return a.createdAt.getTime() - b.createdAt.getTime();
}

/** The releases API: history, one release, its objects and log, diff, rollback, what is live. */
export function createReleasesService(deps: {
  releases: ReleasesRepo;
  projects: ProjectsService;
  workspaces: WorkspacesService;
  access: AccessService;
  /** A release entered the environment's queue: the controller starts it when it may. */
  admit: (environmentId: string) => void;
  live: LiveView;
  commits: CommitLister;
}) {
  const { releases, projects } = deps;

  async function findOrThrow(actor: Actor, workspace: string, project: string, number: number) {
    const row = await projects.authorize(actor, workspace, project, 'project.read');
    const release = await releases.findByNumber(row.id, number);
    if (!release) throw new NotFoundError(`release ${number} not found in project "${project}"`);
    return { project: row, release };
  }

  async function environmentOrThrow(actor: Actor, workspaceSlug: string, name: string) {
    const workspace = await deps.workspaces.authorize(actor, workspaceSlug, 'workspace.read');
    const environment = await releases.environmentByName(workspace.id, name);
    if (!environment)
      throw new NotFoundError(`environment "${name}" not found in workspace "${workspaceSlug}"`);
    const readable = await deps.access.readableProjects(actor);
    const projectIds: 'all' | string[] =
      readable === 'all' || readable.workspaceIds.includes(workspace.id) ? 'all' : readable.projectIds;
    return { environment, projectIds };
  }

  return {
    async list(
      actor: Actor,
      workspace: string,
      project: string,
      query: PageQuery & { environment?: string | undefined },
    ) {
      const row = await projects.authorize(actor, workspace, project, 'project.read');
      const beforeNumber = numberCursorKey(decodeCursor(query.cursor));
      const rows = await releases.listByProject(
        row.id,
        { environmentName: query.environment, beforeNumber },
        query.limit + 1,
      );
      return toPage(rows, query.limit, (r) => String(r.number), toRelease);
    },

    async get(actor: Actor, workspace: string, project: string, number: number): Promise<Release> {
      return toRelease((await findOrThrow(actor, workspace, project, number)).release);
    },

    async objects(actor: Actor, workspace: string, project: string, number: number) {
      const { release } = await findOrThrow(actor, workspace, project, number);
      const objects = release.objects as unknown as KubernetesObject[];
      return {
        items: objects.map((object) => ({
          apiVersion: object.apiVersion ?? '',
          kind: object.kind ?? '',
          name: object.metadata?.name ?? '',
          namespace: object.metadata?.namespace ?? null,
          yaml: objectYaml(object),
        })),
      };
    },

    async log(actor: Actor, workspace: string, project: string, number: number, after: number | undefined) {
      const { release } = await findOrThrow(actor, workspace, project, number);
      const lines = await releases.logAfter(release.id, after ?? 0, 5000);
      return {
        lines: lines.map((line) => ({ seq: line.seq, at: line.at.toISOString(), text: line.text })),
        complete: FINISHED_RELEASE_STATUSES.includes(release.status as ReleaseStatus) && lines.length < 5000,
      };
    },

    async diff(
      actor: Actor,
      workspace: string,
      project: string,
      number: number,
      to: number,
    ): Promise<ReleaseDiff> {
      const { project: row, release: from } = await findOrThrow(actor, workspace, project, number);
      const other = await releases.findByNumber(row.id, to);
      if (!other) {
        throw new NotFoundError(`release ${to} not found in project "${project}"`, [
          { field: 'query.to', message: `no release ${to}` },
        ]);
      }
      const data = await releases.configVersionsOf([from.id, other.id]);
      const sideOf = (release: ReleaseRow) => ({
        number: release.number,
        image: release.image,
        objects: release.objects as unknown as KubernetesObject[],
        configs: new Map(
          data
            .filter((c) => c.releaseId === release.id)
            .map((c) => [
              c.name,
              { version: c.version, data: c.configVersion.data as Record<string, string> },
            ]),
        ),
      });
      return {
        ...diffReleases(sideOf(from), sideOf(other)),
        commits: await commitsBetween(deps.commits, from.project.repoUrl, from.commitSha, other.commitSha),
      };
    },

    /**
     * A new release with an earlier succeeded release's image, objects and config versions
     * (`rollbackOf` set), created by the actor. It passes the environment's approval policy
     * and queue like any deploy (`awaiting-approval` or `queued`). Asked twice — the same
     * `idempotencyKey`, or without one the same user's rollback to the same release while
     * the first still waits (a double click) — it returns the first one (see
     * release-idempotency.ts).
     */
    async rollback(
      actor: Actor,
      workspace: string,
      project: string,
      number: number,
      options: { idempotencyKey?: string | undefined } = {},
    ): Promise<Release> {
      const { project: row, release: target } = await findOrThrow(actor, workspace, project, number);
      const environment = target.environmentId ? await releases.environmentOf(target.environmentId) : null;
      if (!environment) {
        throw new ConflictError(
          `environment "${target.environmentName}" of release ${number} no longer exists`,
          [{ field: 'params.number', message: 'its environment was deleted' }],
        );
      }
      await deps.access.requireProject(
        actor,
        row,
        environment.production ? 'deploy.production' : 'deploy.nonproduction',
      );
      // A release rolled back automatically because its own rollout failed was never live.
      if (!wasLive(target)) {
        throw new ConflictError(
          `release ${number} is ${target.status}: only a release that once succeeded can be rolled back to`,
          [{ field: 'params.number', message: `release ${number} never succeeded` }],
        );
      }
      if (!environment.cluster || !environment.namespace) {
        throw new BadRequestError(`environment "${environment.name}" has no cluster to deploy to`, [
          { field: 'params.number', message: `environment "${environment.name}" has no cluster` },
        ]);
      }
      const dedupe = dedupeOf({
        idempotencyKey: options.idempotencyKey,
        requestedById: actor.userId,
        environmentId: environment.id,
        trigger: 'rollback',
        rollbackOf: target.number,
      });
      const { release: created, created: isNew } = await releases.insertOnce(
        row.id,
        dedupe,
        rollbackInsert({
          target,
          environment: {
            ...environment,
            namespace: environment.namespace,
            clusterId: environment.cluster.id,
          },
          project: row.slug,
          trigger: 'rollback',
          requestedBy: { id: actor.userId, name: actor.username },
          now: new Date(),
        }),
      );
      if (isNew && created.status === 'queued') deps.admit(environment.id);
      return toRelease(created);
    },

    /**
     * Lets one waiting release deploy during a freeze window (not past a lock): platform
     * admins and holders of `workspace.environments.manage`. Stores `{ by, reason, at }` on
     * the release, logs `freeze broken by <user>: <reason>`, and lets the queue move; the
     * route's audit trail records the reason. 409 when the release no longer waits.
     */
    async breakFreeze(
      actor: Actor,
      workspace: string,
      project: string,
      number: number,
      body: { reason: string },
    ): Promise<Release> {
      const { project: row, release } = await findOrThrow(actor, workspace, project, number);
      await deps.access.requireWorkspace(
        actor,
        { id: row.workspaceId, slug: workspace },
        'workspace.environments.manage',
      );
      const notWaiting = (status: string) =>
        new ConflictError(
          `release ${number} is ${status}: only a release that waits to deploy can pass a freeze`,
          [{ field: 'params.number', message: `release ${number} is not waiting` }],
        );
      if (!WAITING_RELEASE_STATUSES.includes(release.status as ReleaseStatus)) {
        throw notWaiting(release.status);
      }
      const environment = release.environmentId ? await releases.environmentOf(release.environmentId) : null;
      if (!environment || !activeFreeze(storedFreezeWindows(environment.freezeWindows), new Date())) {
        throw new ConflictError(
          `no freeze window holds environment "${release.environmentName}" now: there is no freeze to break`,
          [{ field: 'params.number', message: 'its environment is not frozen' }],
        );
      }
      const freezeBreak = { by: actor.username, reason: body.reason, at: new Date().toISOString() };
      const stored = await releases.breakFreeze(release.id, freezeBreak, [
        `freeze broken by ${actor.username}: ${body.reason}`,
      ]);
      const after = await releases.findById(release.id);
      if (!stored || !after) throw notWaiting(after?.status ?? 'gone');
      if (after.environmentId) deps.admit(after.environmentId);
      return toRelease(after);
    },

    /**
     * The environment's deploy queue (releases of the projects the caller may read): what
     * deploys now, then the queued releases in the order they will start (priority, then
     * their place), then those awaiting approval (oldest first); `held` is why nothing moves
     * now (the lock, the freeze window in force), null when the queue moves.
     */
    async environmentQueue(
      actor: Actor,
      workspace: string,
      name: string,
    ): Promise<{ held: string | null; items: Release[] }> {
      const { environment, projectIds } = await environmentOrThrow(actor, workspace, name);
      const rows = await releases.queueOf(environment.id, projectIds === 'all' ? 'all' : { projectIds });
      rows.sort(queueOrder);
      const held = environmentHold(
        {
          name: environment.name,
          locked: environment.locked,
          freezeWindows: storedFreezeWindows(environment.freezeWindows),
        },
        new Date(),
      );
      return { held: held?.reason ?? null, items: rows.map(toRelease) };
    },

    async environmentList(
      actor: Actor,
      workspace: string,
      name: string,
      query: PageQuery & { project?: string | undefined },
    ) {
      const { environment, projectIds } = await environmentOrThrow(actor, workspace, name);
      const after = timeIdCursorKey(decodeCursor(query.cursor));
      const before = after && { createdAt: after.at, id: after.id };
      const rows = await releases.listByEnvironment(
        environment.id,
        { readable: projectIds === 'all' ? 'all' : { projectIds }, projectSlug: query.project, before },
        query.limit + 1,
      );
      return toPage(rows, query.limit, (r) => `${r.createdAt.toISOString()}|${r.id}`, toRelease);
    },

    async environmentLive(actor: Actor, workspace: string, name: string): Promise<EnvironmentLive> {
      const { environment, projectIds } = await environmentOrThrow(actor, workspace, name);
      return deps.live(environment, projectIds);
    },
  };
}

export type ReleasesService = ReturnType<typeof createReleasesService>;

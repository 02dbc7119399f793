import type { ApprovalDetail, ApprovalItem, Permission } from '@slipway/contracts';
import { deployerUser, type KubernetesObject } from '@slipway/kube';
import type { Actor } from '../../lib/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { AccessService, ProjectRef } from '../access/access.service.ts';
import type { ClusterClients } from '../clusters/cluster-clients.ts';
import { ensureDeployer } from '../environments/namespaces.ts';
import { type Notify, notifyNobody } from '../notifications/notify.ts';
import type { CommitLister } from '../releases/release-commits.ts';
import { commitsBetween } from '../releases/release-commits.ts';
import type { ReleasesRepo } from '../releases/releases.repo.ts';
import { approvalRefusal, type GateRefusal, isAdminOverride } from '../runs/gate-decisions.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { type ApprovalSide, approvalDiff } from './approval-diff.ts';
import { deployClosed, deployItem, gateItem, gateRules } from './approval-view.ts';
import type {
  ApprovalState,
  ApprovalsRepo,
  DeployApprovalRow,
  DeployApprovalSummary,
  GateRow,
} from './approvals.repo.ts';

/** What the inbox filters by (`ApprovalListQuerySchema`). */
export interface ApprovalListQuery {
  status?: ApprovalState | undefined;
  kind?: 'deploy' | 'gate' | undefined;
  workspace?: string | undefined;
  environment?: string | undefined;
  mine?: boolean | undefined;
}

/** The decision body (`ApprovalDecisionBodySchema`). */
export interface ApprovalDecisionBody {
  decision: 'approve' | 'reject';
  comment?: string | undefined;
  diffHash?: string | undefined;
}

/**
 * The approvals inbox and deploy approvals: lists pipeline gates and deploys held by their
 * environment's policy, shows what a deploy would change (see `approvalDiff`), and takes
 * decisions under the rule of `approvalRefusal` (gates go to the runs service's `decide`).
 * An approval complete puts the release into its environment's deploy queue; a rejection
 * ends it `rejected`; a request past its expiry ends it `failed` (see `expire`).
 */
export function createApprovalsService(deps: {
  approvals: ApprovalsRepo;
  releases: Pick<ReleasesRepo, 'enqueue' | 'endWaiting' | 'appendLog' | 'clusterById'>;
  access: AccessService;
  runs: Pick<RunsService, 'decide'>;
  clients: Pick<ClusterClients, 'clientFor'>;
  commits: CommitLister;
  /** A workspace's custom roles by name with their permissions, as they are now. */
  customRoles: (workspaceId: string) => Promise<ReadonlyMap<string, readonly Permission[]>>;
  /** A release entered the environment's queue (the release controller starts it when it may). */
  admit: (environmentId: string) => void;
  /** A release of this run changed (the deploy executor tells the engine). */
  changed: (runId: string) => void;
  notify?: Notify | undefined;
  now?: () => Date;
}) {
  const { approvals, access } = deps;
  const notify = deps.notify ?? notifyNobody;
  const now = deps.now ?? (() => new Date());

  async function callerOf(actor: Actor, project: ProjectRef) {
    return {
      userId: actor.userId,
      platformAdmin: actor.platformAdmin && !actor.tokenWorkspaceId,
      held: await access.permissionsFor(actor, { project }),
      email: await approvals.emailOf(actor.userId),
    };
  }

  const projectOfDeploy = (row: DeployApprovalSummary): ProjectRef => ({
    id: row.release.projectId,
    slug: row.release.project.slug,
    workspaceId: row.release.project.workspaceId,
  });
  const projectOfGate = (row: GateRow): ProjectRef => row.run.pipeline.project;

  async function deployRefusal(actor: Actor, row: DeployApprovalSummary, at: Date) {
    const project = projectOfDeploy(row);
    const customRoles = await deps.customRoles(project.workspaceId);
    const caller = await callerOf(actor, project);
    const refusal = approvalRefusal({
      subject: 'deploy',
      closed: deployClosed(row, at),
      decisions: row.decisions,
      rules: { role: row.approverRole, allowSelfApproval: row.allowSelfApproval },
      caller,
      triggeredById: row.requestedById,
      committerEmail: row.committerEmail,
      customRoles,
      workspace: row.release.project.workspace.slug,
    });
    return { refusal, adminOverride: isAdminOverride(row.approverRole, customRoles, caller.platformAdmin) };
  }

  async function gateRefusalOf(actor: Actor, row: GateRow): Promise<GateRefusal | null> {
    const project = projectOfGate(row);
    return approvalRefusal({
      subject: 'gate',
      closed: row.status === 'waiting' ? null : `already ${row.status}`,
      decisions: row.decisions,
      rules: gateRules(row),
      caller: await callerOf(actor, project),
      triggeredById: row.run.triggeredById,
      customRoles: await deps.customRoles(project.workspaceId),
      workspace: row.run.pipeline.project.workspace.slug,
    });
  }

  /** The request by id, after the read check (404 for what the caller may not read). */
  async function find(actor: Actor, id: string) {
    const deploy = await approvals.findDeploy(id);
    const gate = deploy ? null : await approvals.findGate(id);
    const project = deploy ? projectOfDeploy(deploy) : gate ? projectOfGate(gate) : null;
    const missing = new NotFoundError(`approval request ${id} not found`);
    if (!project) throw missing;
    try {
      await access.requireProject(actor, project, 'project.read');
    } catch (error) {
      if (error instanceof NotFoundError) throw missing;
      throw error;
    }
    return deploy
      ? ({ kind: 'deploy', row: deploy } as const)
      : ({ kind: 'gate', row: gate as GateRow } as const);
  }

  /** The diff of the release awaiting approval against the project's live release there. */
  async function diffOf(row: DeployApprovalRow) {
    const { release } = row;
    const live = release.environmentId
      ? await approvals.liveRelease(release.projectId, release.environmentId)
      : null;
    const data = await approvals.configData([
      ...release.configs.map((c) => c.configVersionId),
      ...(live?.configs.map((c) => c.configVersionId) ?? []),
    ]);
    const side = (r: NonNullable<typeof live> | typeof release): ApprovalSide => ({
      number: r.number,
      image: r.image,
      imageDigest: r.imageDigest,
      objects: r.objects as unknown as KubernetesObject[],
      configs: new Map(
        r.configs.map((c) => [c.name, { version: c.version, data: data.get(c.configVersionId) ?? {} }]),
      ),
    });
    const clusterId = release.clusterId;
    const diff = await approvalDiff({
      next: side(release),
      live: live ? side(live) : null,
      namespace: release.namespace,
      kube: clusterId
        ? async () => {
            const cluster = await deps.releases.clusterById(clusterId);
            if (!cluster) throw new Error('the environment’s cluster was deleted');
            const admin = deps.clients.clientFor(cluster);
            await ensureDeployer(admin, release.namespace);
            return admin.impersonating(deployerUser(release.namespace));
          }
        : null,
      now: now(),
    });
    return { diff, live };
  }

  async function detail(actor: Actor, found: Awaited<ReturnType<typeof find>>): Promise<ApprovalDetail> {
    if (found.kind === 'gate') {
      return { ...gateItem(found.row, await gateRefusalOf(actor, found.row)), commits: [], diff: null };
    }
    const row = found.row;
    const at = now();
    const { refusal } = await deployRefusal(actor, row, at);
    const { diff, live } = await diffOf(row);
    await approvals.recordView(row.id, actor.userId, diff.hash);
    const commits = await commitsBetween(
      deps.commits,
      row.release.project.repoUrl,
      live?.commitSha ?? null,
      row.release.commitSha,
    );
    return { ...deployItem(row, refusal, at), commits: commits.list ?? [], diff };
  }

  /** Ends the release of a decided approval: queued when approved, `rejected` or `failed` (expired) otherwise. */
  async function carryOut(
    row: Pick<DeployApprovalRow, 'status' | 'expiryMinutes'> & {
      release: { id: string; environmentId: string | null; runId: string | null };
    },
    by?: { user: string; comment: string | null },
  ) {
    const { release } = row;
    if (row.status === 'approved') {
      if (!(await approvals.releaseApproved(release.id, deps.releases.enqueue))) return;
      await deps.releases.appendLog(release.id, ['approval complete: queued to deploy']);
      if (release.environmentId) deps.admit(release.environmentId);
    } else if (row.status === 'rejected') {
      const message = `rejected by ${by?.user ?? 'an approver'}: ${by?.comment ?? ''}`.trim();
      if (
        !(await deps.releases.endWaiting(release.id, { status: 'rejected', message }, [`release ${message}`]))
      )
        return;
    } else if (row.status === 'expired') {
      const message = `the approval request expired after ${row.expiryMinutes} minute${row.expiryMinutes === 1 ? '' : 's'}`;
      if (
        !(await deps.releases.endWaiting(release.id, { status: 'failed', message }, [
          `release failed: ${message}`,
        ]))
      )
        return;
      void notify({ event: 'release.failed', releaseId: release.id, reason: message });
    } else return;
    if (release.runId) deps.changed(release.runId);
  }

  /**
   * Expires every pending request past its `expires_at` (its release fails) and carries out
   * decisions whose release half a crash interrupted. The sweeper runs it every 30 s on the
   * leader; deciding runs it too.
   */
  async function expire(): Promise<number> {
    const due = await approvals.expireDue(now());
    for (const row of [...(await approvals.undone())]) {
      const reject = row.decisions.find((d) => d.decision === 'reject');
      const full = await approvals.findDeploy(row.id);
      if (!full) continue;
      await carryOut(
        { ...row, release: full.release },
        reject ? { user: reject.userName, comment: reject.comment } : undefined,
      );
    }
    return due.length;
  }

  async function items(actor: Actor, query: ApprovalListQuery): Promise<ApprovalItem[]> {
    const state = query.status ?? 'pending';
    const mine = query.mine ?? state === 'pending';
    const readable = await access.readableProjects(actor);
    const filter = { state, environment: query.environment };
    const at = now();
    const [deploys, gates] = await Promise.all([
      query.kind === 'gate' ? [] : approvals.listDeploy(readable, filter),
      query.kind === 'deploy' ? [] : approvals.listGates(readable, filter),
    ]);
    const listed = [
      ...(await Promise.all(
        deploys.map(async (row) => deployItem(row, (await deployRefusal(actor, row, at)).refusal, at)),
      )),
      ...(await Promise.all(gates.map(async (row) => gateItem(row, await gateRefusalOf(actor, row))))),
    ];
    return listed
      .filter((item) => (!query.workspace || item.workspace === query.workspace) && (!mine || item.canDecide))
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  }

  return {
    expire,

    async list(actor: Actor, query: ApprovalListQuery): Promise<{ items: ApprovalItem[] }> {
      return { items: await items(actor, query) };
    },

    async count(actor: Actor): Promise<{ pending: number }> {
      return { pending: (await items(actor, { status: 'pending', mine: true })).length };
    },

    async get(actor: Actor, id: string): Promise<ApprovalDetail> {
      return detail(actor, await find(actor, id));
    },

    /**
     * One person's decision. Gates: the runs service's `decide`. Deploys: the rule of
     * `approvalRefusal`; an approval needs the diff the caller last saw (or `diffHash`) to be
     * the current one, else 409 with the new diff; the last approval needed queues the release,
     * a rejection ends it. Notifies `approval.decided`.
     */
    async decide(actor: Actor, id: string, body: ApprovalDecisionBody): Promise<ApprovalDetail> {
      const found = await find(actor, id);
      if (found.kind === 'gate') {
        const { run } = found.row;
        await deps.runs.decide(
          actor,
          {
            workspace: run.pipeline.project.workspace.slug,
            project: run.pipeline.project.slug,
            pipeline: run.pipeline.name,
            number: run.number,
            gate: `${found.row.stage}.${found.row.name}`,
          },
          body,
        );
        return detail(actor, await find(actor, id));
      }
      let row = found.row;
      const at = now();
      if (row.status === 'pending' && row.expiresAt <= at) {
        await expire();
        row = (await approvals.findDeploy(id)) ?? row;
      }
      const { refusal, adminOverride } = await deployRefusal(actor, row, at);
      if (refusal) {
        const details = [{ field: 'decision', message: refusal.detail }];
        throw refusal.status === 409
          ? new ConflictError(refusal.message, details)
          : new ForbiddenError(refusal.message, details);
      }
      let diffHash: string | null = null;
      if (body.decision === 'approve') {
        const { diff } = await diffOf(row);
        const seen = body.diffHash ?? (await approvals.viewOf(row.id, actor.userId));
        if (seen !== diff.hash) {
          await approvals.recordView(row.id, actor.userId, diff.hash);
          throw new ConflictError(
            seen
              ? 'what this deploy would change has changed since you saw it: review the new diff and approve again'
              : 'open the request and review what it would change before approving it',
            [
              {
                field: 'diff',
                message: seen ? 'the diff changed since it was shown' : 'the diff was never shown to you',
              },
            ],
            { diff },
          );
        }
        diffHash = diff.hash;
      }
      const comment = body.comment?.trim() || null;
      const outcome = await approvals.decide(
        row.id,
        {
          userId: actor.userId,
          userName: actor.username,
          decision: body.decision,
          comment,
          diffHash,
          adminOverride,
        },
        at,
      );
      if (outcome.state === 'duplicate') {
        throw new ConflictError('you already decided on this deploy approval', [
          { field: 'decision', message: 'you already decided' },
        ]);
      }
      if (outcome.state === 'closed') {
        if (outcome.status === 'expired') await expire();
        throw new ConflictError(
          `this deploy approval is ${outcome.status === 'expired' ? 'expired' : `already ${outcome.status}`}`,
          [{ field: 'decision', message: `the request is ${outcome.status}` }],
        );
      }
      const verb = body.decision === 'approve' ? 'approved' : 'rejected';
      await deps.releases.appendLog(row.releaseId, [
        `${verb} by ${actor.username}${adminOverride ? ' (platform admin override)' : ''}${
          body.decision === 'approve' ? ` (${outcome.approvals} of ${row.required})` : ''
        }${comment ? `: ${comment}` : ''}`,
      ]);
      const decided = await approvals.findDeploy(id);
      if (decided && outcome.state !== 'pending') {
        await carryOut(decided, { user: actor.username, comment });
      }
      void notify({
        event: 'approval.decided',
        releaseId: row.releaseId,
        decision: { decision: body.decision, by: actor.username, comment },
      });
      return detail(actor, { kind: 'deploy', row: decided ?? row });
    },
  };
}

export type ApprovalsService = ReturnType<typeof createApprovalsService>;

import type { Prisma, PrismaClient } from '@slipway/db';

/** A deploy approval with what the inbox shows of its release, project and run. */
export const deployApprovalInclude = {
  decisions: { orderBy: { createdAt: 'asc' } },
  release: {
    select: {
      id: true,
      number: true,
      status: true,
      trigger: true,
      environmentId: true,
      environmentName: true,
      namespace: true,
      clusterId: true,
      image: true,
      imageDigest: true,
      objects: true,
      commitSha: true,
      pipelineName: true,
      runNumber: true,
      projectId: true,
      runId: true,
      configs: { orderBy: { name: 'asc' } },
      run: { select: { releaseType: true } },
      project: {
        select: { slug: true, workspaceId: true, repoUrl: true, workspace: { select: { slug: true } } },
      },
    },
  },
} satisfies Prisma.DeployApprovalInclude;

export type DeployApprovalRow = Prisma.DeployApprovalGetPayload<{ include: typeof deployApprovalInclude }>;

/** A deploy approval as listed: its release without the rendered objects. */
export type DeployApprovalSummary = Omit<DeployApprovalRow, 'release'> & {
  release: Omit<DeployApprovalRow['release'], 'objects'>;
};

/** A pipeline gate (a job attempt of kind `approval`) with its run, pipeline and project. */
export const gateInclude = {
  decisions: { orderBy: { createdAt: 'asc' } },
  run: {
    select: {
      id: true,
      number: true,
      spec: true,
      releaseType: true,
      environmentName: true,
      triggeredById: true,
      triggeredByName: true,
      pipeline: {
        select: {
          name: true,
          project: {
            select: { id: true, slug: true, workspaceId: true, workspace: { select: { slug: true } } },
          },
        },
      },
    },
  },
} satisfies Prisma.JobRunInclude;

export type GateRow = Prisma.JobRunGetPayload<{ include: typeof gateInclude }>;

/** Which requests a listing wants: still open, decided, or both. */
export type ApprovalState = 'pending' | 'decided' | 'all';

/** The projects a caller may read (`AccessService.readableProjects`). */
export type Readable = 'all' | { workspaceIds: string[]; projectIds: string[] };

const LIST_LIMIT = 200;

function projectFilter(readable: Readable): Prisma.ProjectWhereInput {
  return readable === 'all'
    ? {}
    : { OR: [{ workspaceId: { in: readable.workspaceIds } }, { id: { in: readable.projectIds } }] };
}

/** What a decision did to the approval (see `decide`). */
export type DecisionOutcome =
  | { state: 'pending'; approvals: number }
  | { state: 'approved' | 'rejected'; approvals: number }
  | { state: 'closed'; status: string }
  | { state: 'duplicate' };

/** Every SQL statement about deploy approvals, their decisions and views, and the gates the inbox lists. */
export function createApprovalsRepo(prisma: PrismaClient) {
  return {
    /** Deploy approvals in projects the caller may read, newest first (at most 200). */
    listDeploy(
      readable: Readable,
      filter: { state: ApprovalState; environment?: string | undefined },
    ): Promise<DeployApprovalSummary[]> {
      return prisma.deployApproval.findMany({
        where: {
          ...(filter.state === 'pending'
            ? { status: 'pending' }
            : filter.state === 'decided'
              ? { status: { not: 'pending' } }
              : {}),
          release: {
            project: projectFilter(readable),
            ...(filter.environment ? { environmentName: filter.environment } : {}),
            // A request whose release stopped waiting (its run cancelled) is no longer pending.
            ...(filter.state === 'pending' ? { status: 'awaiting-approval' } : {}),
          },
        },
        orderBy: { requestedAt: 'desc' },
        take: LIST_LIMIT,
        include: {
          ...deployApprovalInclude,
          release: { select: { ...deployApprovalInclude.release.select, objects: false } },
        },
      });
    },

    /** Gates of runs in projects the caller may read: waiting (pending) and/or decided, newest first. */
    listGates(readable: Readable, filter: { state: ApprovalState; environment?: string | undefined }) {
      const statuses =
        filter.state === 'pending'
          ? ['waiting']
          : filter.state === 'decided'
            ? ['succeeded', 'failed']
            : ['waiting', 'succeeded', 'failed'];
      return prisma.jobRun.findMany({
        where: {
          kind: 'approval',
          status: { in: statuses },
          run: {
            pipeline: { project: projectFilter(readable) },
            ...(filter.environment ? { environmentName: filter.environment } : {}),
          },
        },
        orderBy: { createdAt: 'desc' },
        take: LIST_LIMIT,
        include: gateInclude,
      });
    },

    findDeploy(id: string) {
      return prisma.deployApproval.findUnique({ where: { id }, include: deployApprovalInclude });
    },

    findGate(id: string) {
      return prisma.jobRun.findFirst({ where: { id, kind: 'approval' }, include: gateInclude });
    },

    /** The caller's e-mail address (compared with the committer's). */
    async emailOf(userId: string): Promise<string | null> {
      const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
      return user?.email ?? null;
    },

    /** The project's live release in the environment (newest `succeeded`), objects included. */
    liveRelease(projectId: string, environmentId: string) {
      return prisma.release.findFirst({
        where: { projectId, environmentId, status: 'succeeded' },
        orderBy: { number: 'desc' },
        include: { configs: { orderBy: { name: 'asc' } } },
      });
    },

    /** The data of config versions by id (the config diff). */
    async configData(ids: string[]): Promise<Map<string, Record<string, string>>> {
      const rows = await prisma.configVersion.findMany({
        where: { id: { in: ids } },
        select: { id: true, data: true },
      });
      return new Map(rows.map((row) => [row.id, row.data as Record<string, string>]));
    },

    /** Remembers the diff last shown to the user (approving checks it is still current). */
    async recordView(approvalId: string, userId: string, diffHash: string): Promise<void> {
      await prisma.deployApprovalView.upsert({
        where: { approvalId_userId: { approvalId, userId } },
        create: { approvalId, userId, diffHash },
        update: { diffHash, viewedAt: new Date() },
      });
    },

    async viewOf(approvalId: string, userId: string): Promise<string | null> {
      const view = await prisma.deployApprovalView.findUnique({
        where: { approvalId_userId: { approvalId, userId } },
      });
      return view?.diffHash ?? null;
    },

    /**
     * Stores one person's decision under the approval row's lock, so two approvers deciding at
     * once are counted one after the other: a rejection rejects it; an approval approves it
     * when the approvals that still count (given within `expiryMinutes`) reach `required`.
     * Refused when the request is no longer pending (or lapsed: `closed`) or the person
     * decided already (`duplicate`).
     */
    async decide(
      approvalId: string,
      decision: {
        userId: string;
        userName: string;
        decision: 'approve' | 'reject';
        comment: string | null;
        diffHash: string | null;
        adminOverride: boolean;
      },
      now = new Date(),
    ): Promise<DecisionOutcome> {
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM deploy_approvals WHERE id = ${approvalId}::uuid FOR UPDATE`;
        const approval = await tx.deployApproval.findUniqueOrThrow({
          where: { id: approvalId },
          include: { decisions: true },
        });
        if (approval.status !== 'pending') return { state: 'closed', status: approval.status };
        if (approval.expiresAt <= now) return { state: 'closed', status: 'expired' };
        if (approval.decisions.some((d) => d.userId === decision.userId)) return { state: 'duplicate' };
        await tx.deployApprovalDecision.create({ data: { approvalId, ...decision, createdAt: now } });
        const since = now.getTime() - approval.expiryMinutes * 60_000;
        const approvals =
          approval.decisions.filter((d) => d.decision === 'approve' && d.createdAt.getTime() > since).length +
          (decision.decision === 'approve' ? 1 : 0);
        const state =
          decision.decision === 'reject'
            ? 'rejected'
            : approvals >= approval.required
              ? 'approved'
              : 'pending';
        if (state !== 'pending') {
          await tx.deployApproval.update({
            where: { id: approvalId },
            data: { status: state, decidedAt: now },
          });
        }
        return { state, approvals };
      });
    },

    /** Marks pending approvals past their expiry `expired`; returns them (id, release). */
    async expireDue(
      now = new Date(),
    ): Promise<Array<{ id: string; releaseId: string; expiryMinutes: number }>> {
      return prisma.$transaction(async (tx) => {
        const due = await tx.deployApproval.findMany({
          where: { status: 'pending', expiresAt: { lte: now } },
          select: { id: true, releaseId: true, expiryMinutes: true },
        });
        if (due.length === 0) return [];
        await tx.deployApproval.updateMany({
          where: { id: { in: due.map((a) => a.id) }, status: 'pending' },
          data: { status: 'expired', decidedAt: now },
        });
        return due;
      });
    },

    /**
     * Approvals decided (approved, rejected, expired) whose release still waits for approval:
     * the release's half of the decision has not been carried out yet (a crash in between).
     */
    undone() {
      return prisma.deployApproval.findMany({
        where: { status: { not: 'pending' }, release: { status: 'awaiting-approval' } },
        include: { decisions: { orderBy: { createdAt: 'asc' } } },
      });
    },

    /**
     * The release leaves `awaiting-approval` for the deploy queue (approval complete):
     * status `queued` with a place in the queue. Returns whether it changed.
     */
    async releaseApproved(
      releaseId: string,
      /** `ReleasesRepo.enqueue`: the queue place, in the same transaction. */
      enqueue: (id: string, db: Prisma.TransactionClient) => Promise<void>,
    ): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.release.updateMany({
          where: { id: releaseId, status: 'awaiting-approval' },
          data: { status: 'queued', holdReason: null },
        });
        if (updated.count === 0) return false;
        await enqueue(releaseId, tx);
        return true;
      });
    },
  };
}

export type ApprovalsRepo = ReturnType<typeof createApprovalsRepo>;

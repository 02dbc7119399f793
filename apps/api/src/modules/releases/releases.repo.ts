import type { Prisma, PrismaClient } from '@slipway/db';
import type { ReleaseDedupe } from './release-idempotency.ts';
import type { ReleasePhase } from './release-transitions.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const releaseInclude = {
  configs: { orderBy: { name: 'asc' } },
  approval: { include: { decisions: { orderBy: { createdAt: 'asc' } } } },
  project: {
    select: { slug: true, workspaceId: true, repoUrl: true, workspace: { select: { slug: true } } },
  },
} satisfies Prisma.ReleaseInclude;

export type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof releaseInclude }>;

/** A release as first stored (its number is allocated when it is inserted). */
export type ReleaseInsert = Omit<
  Prisma.ReleaseUncheckedCreateInput,
  'id' | 'number' | 'projectId' | 'configs' | 'logLines'
> & {
  configs: Array<{ configVersionId: string; name: string; version: number; configMapName: string }>;
  /** The first lines of its deploy log. */
  log?: string[];
  /** The approval it needs (status `awaiting-approval`), created with it. */
  approval?: ApprovalInsert | undefined;
};

/** A deploy approval as first stored with its release (the environment's policy then). */
export interface ApprovalInsert {
  workspaceId: string;
  required: number;
  approverRole: string;
  allowSelfApproval: boolean;
  expiryMinutes: number;
  requestedById: string | null;
  requestedByName: string;
  committerEmail?: string | null | undefined;
  expiresAt: Date;
}

const queuedSelect = {
  id: true,
  projectId: true,
  number: true,
  trigger: true,
  priority: true,
  freezeBreak: true,
  holdReason: true,
} satisfies Prisma.ReleaseSelect;

/** A queued release as `admitNext`'s hold decision sees it. */
export type QueuedRelease = Prisma.ReleaseGetPayload<{ select: typeof queuedSelect }>;

/** The environment row `admitNext` locks, as its hold decision sees it. */
export interface QueueEnvironment {
  id: string;
  name: string;
  locked: boolean;
  /** FreezeWindow[] as stored (read with `storedFreezeWindows`). */
  freezeWindows: unknown;
}

/** What one step of the controller stores (see `releaseStep`). */
export interface ReleaseChange {
  status?: string;
  phase?: ReleasePhase;
  message?: string | null;
  startedAt?: Date;
  finishedAt?: Date;
}

/** Every SQL statement about releases, their configs and their deploy log. */
export function createReleasesRepo(prisma: PrismaClient) {
  /** Appends lines after the release's last one (seq 1, 2, …). */
  async function append(db: Db, releaseId: string, lines: string[], at = new Date()) {
    if (lines.length === 0) return;
    const last = await db.releaseLogLine.aggregate({ where: { releaseId }, _max: { seq: true } });
    const first = (last._max.seq ?? 0) + 1;
    await db.releaseLogLine.createMany({
      data: lines.map((text, index) => ({ releaseId, seq: first + index, text, at })),
    });
  }

  /** Gives the release the next place in the deploy queues (submission order). */
  async function enqueue(db: Db, releaseId: string) {
    await db.$executeRaw`UPDATE releases SET queue_seq = nextval('release_queue_seq') WHERE id = ${releaseId}::uuid`;
  }

  /** `insert` inside a transaction; an existing release (same job attempt, or `dedupe`) is reused. */
  async function insertIn(
    tx: Prisma.TransactionClient,
    projectId: string,
    build: (number: number) => ReleaseInsert,
    dedupe: ReleaseDedupe | null,
  ): Promise<{ release: ReleaseRow; created: boolean }> {
    const counter = await tx.$queryRaw<Array<{ n: number }>>`
      UPDATE projects SET release_counter = release_counter + 1 WHERE id = ${projectId}::uuid
      RETURNING release_counter AS n`;
    const number = counter[0]?.n;
    if (number === undefined) throw new Error(`project ${projectId} not found`);
    // Serialized by the counter row's lock: a repeated request finds what the first made.
    const reuse = async (id: string) => {
      await tx.$executeRaw`UPDATE projects SET release_counter = release_counter - 1 WHERE id = ${projectId}::uuid`;
      return {
        release: await tx.release.findUniqueOrThrow({ where: { id }, include: releaseInclude }),
        created: false,
      };
    };
    if (dedupe) {
      const existing = dedupe.idempotencyKey
        ? await tx.release.findUnique({
            where: { projectId_idempotencyKey: { projectId, idempotencyKey: dedupe.idempotencyKey } },
            select: { id: true },
          })
        : dedupe.sameWaiting
          ? await tx.release.findFirst({
              where: { projectId, ...dedupe.sameWaiting },
              orderBy: { number: 'desc' },
              select: { id: true },
            })
          : null;
      if (existing) return reuse(existing.id);
    }
    const { configs, log, approval, ...data } = build(number);
    if (data.jobRunId) {
      // A second start of the same job attempt adopts the first's release.
      const existing = await tx.release.findUnique({
        where: { jobRunId: data.jobRunId },
        select: { id: true },
      });
      if (existing) return reuse(existing.id);
    }
    const row = await tx.release.create({
      data: {
        ...data,
        ...(dedupe?.idempotencyKey ? { idempotencyKey: dedupe.idempotencyKey } : {}),
        projectId,
        number,
        configs: { create: configs },
        ...(approval ? { approval: { create: { ...approval, status: 'pending' } } } : {}),
      },
    });
    if (data.status === 'queued') await enqueue(tx, row.id);
    await append(tx, row.id, log ?? []);
    return {
      release: await tx.release.findUniqueOrThrow({ where: { id: row.id }, include: releaseInclude }),
      created: true,
    };
  }

  return {
    enqueue: (releaseId: string, db: Db = prisma) => enqueue(db, releaseId),

    /**
     * Starts the next release of the environment's deploy queue when none is deploying there
     * (one deploy at a time per environment, all projects): under the environment row's lock,
     * the queued releases in order (priority first, then their place in the queue). `hold`
     * says why one must keep waiting (a lock, a freeze window) or null; every queued release's
     * reason is stored (and logged once when it changes, cleared when it ends) so each shows
     * why it waits. The first one not held starts — a release allowed past a hold (an
     * automatic rollback, a broken freeze) goes before those the hold keeps. Returns the
     * release started, or null (something deploys, nothing is queued, or all are held).
     */
    async admitNext(
      environmentId: string,
      hold: (next: QueuedRelease, environment: QueueEnvironment) => string | null = () => null,
    ): Promise<ReleaseRow | null> {
      return prisma.$transaction(async (tx) => {
        const environment = await tx.$queryRaw<QueueEnvironment[]>`
          SELECT id, name, locked, freeze_windows AS "freezeWindows"
          FROM environments WHERE id = ${environmentId}::uuid FOR UPDATE`;
        const env = environment[0];
        if (!env) return null;
        const queued = await tx.release.findMany({
          where: { environmentId, status: 'queued' },
          orderBy: [{ priority: 'desc' }, { queueSeq: 'asc' }],
          select: queuedSelect,
        });
        if (queued.length === 0) return null;
        const busy = await tx.release.findFirst({
          where: { environmentId, status: 'deploying' },
          select: { id: true },
        });
        let next: QueuedRelease | undefined;
        for (const release of queued) {
          const reason = hold(release, env);
          if (reason === null && !busy && !next) {
            next = release;
            continue;
          }
          if (release.holdReason === reason) continue;
          await tx.release.update({ where: { id: release.id }, data: { holdReason: reason } });
          if (reason !== null) await append(tx, release.id, [`held: ${reason}`]);
        }
        if (!next) return null;
        await tx.release.update({ where: { id: next.id }, data: { status: 'deploying', holdReason: null } });
        return tx.release.findUniqueOrThrow({ where: { id: next.id }, include: releaseInclude });
      });
    },

    /** Every environment with the number of releases in its deploy queue (status `queued`; metrics). */
    async queueDepths(): Promise<Array<{ workspace: string; environment: string; depth: number }>> {
      const rows = await prisma.environment.findMany({
        select: {
          name: true,
          workspace: { select: { slug: true } },
          _count: { select: { releases: { where: { status: 'queued' } } } },
        },
      });
      return rows.map((row) => ({
        workspace: row.workspace.slug,
        environment: row.name,
        depth: row._count.releases,
      }));
    },

    /** Environments with queued releases (the controller admits them when it starts, and on resync). */
    async environmentsWithQueue(): Promise<string[]> {
      const rows = await prisma.release.findMany({
        where: { status: 'queued', environmentId: { not: null } },
        distinct: ['environmentId'],
        select: { environmentId: true },
      });
      return rows.flatMap((row) => (row.environmentId ? [row.environmentId] : []));
    },

    /**
     * Ends a release that has not started deploying (cancelled, rejected, expired): only while
     * it still waits (`awaiting-approval` or `queued`). Returns whether it changed.
     */
    async endWaiting(
      id: string,
      change: { status: 'failed' | 'rejected'; message: string },
      log: string[],
    ): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const now = new Date();
        const updated = await tx.release.updateMany({
          where: { id, status: { in: ['awaiting-approval', 'queued'] } },
          data: { ...change, phase: 'done', holdReason: null, startedAt: now, finishedAt: now },
        });
        if (updated.count === 0) return false;
        await append(tx, id, log);
        return true;
      });
    },

    /**
     * Lets a waiting release pass freeze windows (`freeze_break` = `{ by, reason, at }`) and
     * logs it; only while it still waits. Returns whether it changed.
     */
    async breakFreeze(
      id: string,
      freezeBreak: { by: string; reason: string; at: string },
      log: string[],
    ): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.release.updateMany({
          where: { id, status: { in: ['awaiting-approval', 'queued'] } },
          data: { freezeBreak },
        });
        if (updated.count === 0) return false;
        await append(tx, id, log);
        return true;
      });
    },

    /**
     * The environment's deploy queue among the readable projects: the releases deploying,
     * queued or awaiting approval (unordered; the service orders them).
     */
    queueOf(environmentId: string, readable: 'all' | { projectIds: string[] }) {
      return prisma.release.findMany({
        where: {
          environmentId,
          status: { in: ['deploying', 'queued', 'awaiting-approval'] },
          ...(readable === 'all' ? {} : { projectId: { in: readable.projectIds } }),
        },
        include: releaseInclude,
        omit: { objects: true },
        relationLoadStrategy: 'join',
      });
    },

    findById(id: string, db: Db = prisma) {
      return db.release.findUnique({ where: { id }, include: releaseInclude });
    },

    findByJobRun(jobRunId: string, db: Db = prisma) {
      return db.release.findUnique({ where: { jobRunId }, include: releaseInclude });
    },

    findByNumber(projectId: string, number: number, db: Db = prisma) {
      return db.release.findUnique({
        where: { projectId_number: { projectId, number } },
        include: releaseInclude,
      });
    },

    /**
     * Inserts a release with the project's next number (`projects.release_counter`, bumped in
     * the same transaction, so numbers never repeat), its configs and first log lines.
     * `build` gets the number (the manifests are rendered with `${{ release.number }}`).
     * A release of the same job attempt (`job_run_id`) that exists already is returned instead.
     */
    async insert(projectId: string, build: (number: number) => ReleaseInsert): Promise<ReleaseRow> {
      return (await prisma.$transaction((tx) => insertIn(tx, projectId, build, null))).release;
    },

    /**
     * `insert` for a request that may come twice (see `ReleaseDedupe` in
     * release-idempotency.ts): the release an earlier identical request made is returned
     * (`created` false) instead of a second one. Serialized per project by the release
     * counter's row lock, so two requests at the same moment make one release.
     */
    async insertOnce(
      projectId: string,
      dedupe: ReleaseDedupe,
      build: (number: number) => ReleaseInsert,
    ): Promise<{ release: ReleaseRow; created: boolean }> {
      return prisma.$transaction((tx) => insertIn(tx, projectId, build, dedupe));
    },

    /**
     * Stores one step of the controller in one transaction: the release's columns, its new
     * log lines, and — when it succeeded — the release that was live before it in the
     * project and environment becomes `replacedBy` (superseded or rolled-back).
     * Only a release still `deploying` changes (a cancel that came first wins).
     */
    async step(
      id: string,
      change: ReleaseChange,
      log: string[],
      replacedBy?: 'superseded' | 'rolled-back',
    ): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.release.updateMany({ where: { id, status: 'deploying' }, data: change });
        if (updated.count === 0) return false;
        await append(tx, id, log);
        if (change.status === 'succeeded' && replacedBy) {
          const row = await tx.release.findUniqueOrThrow({ where: { id } });
          await tx.release.updateMany({
            where: {
              projectId: row.projectId,
              environmentId: row.environmentId,
              status: 'succeeded',
              id: { not: id },
            },
            data: { status: replacedBy },
          });
        }
        return true;
      });
    },

    /**
     * Stores the step that ends a failed rollout as `rolled-back` (see `autoRollbackStep`) and
     * inserts the automatic rollback (`build`) in the same transaction, so a crash never leaves
     * a release marked rolled back without the release that rolls it back. Only a release still
     * `deploying` changes (a cancel that came first wins): null then.
     */
    async rollBackAutomatically(
      id: string,
      change: ReleaseChange,
      log: string[],
      projectId: string,
      build: (number: number) => ReleaseInsert,
    ): Promise<ReleaseRow | null> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.release.updateMany({ where: { id, status: 'deploying' }, data: change });
        if (updated.count === 0) return null;
        await append(tx, id, log);
        return (await insertIn(tx, projectId, build, null)).release;
      });
    },

    /** The project's live release in the environment before release `number`: the newest `succeeded` one. */
    liveBefore(projectId: string, environmentId: string, number: number) {
      return prisma.release.findFirst({
        where: { projectId, environmentId, status: 'succeeded', number: { lt: number } },
        orderBy: { number: 'desc' },
        include: releaseInclude,
      });
    },

    /**
     * The objects release `number` may have to prune: those of the project's live release in
     * the environment and of every release after it that ended failed or rolled back (their
     * objects may have been applied).
     */
    async pruneSources(projectId: string, environmentId: string, number: number): Promise<unknown[]> {
      const live = await prisma.release.findFirst({
        where: { projectId, environmentId, status: 'succeeded', number: { lt: number } },
        orderBy: { number: 'desc' },
        select: { number: true, objects: true },
      });
      const since = await prisma.release.findMany({
        where: {
          projectId,
          environmentId,
          number: { gt: live?.number ?? 0, lt: number },
          status: { in: ['failed', 'rolled-back'] },
        },
        select: { objects: true },
      });
      return [live, ...since].flatMap((row) => (Array.isArray(row?.objects) ? row.objects : []));
    },

    appendLog(id: string, lines: string[]) {
      return append(prisma, id, lines);
    },

    /** Lines after `afterSeq`, in order. */
    logAfter(releaseId: string, afterSeq: number, take = 1000) {
      return prisma.releaseLogLine.findMany({
        where: { releaseId, seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take,
      });
    },

    /** Releases the controller still has to bring to an end. */
    async deployingIds(): Promise<string[]> {
      const rows = await prisma.release.findMany({ where: { status: 'deploying' }, select: { id: true } });
      return rows.map((row) => row.id);
    },

    /** The project's releases, newest first, numbers below `beforeNumber`. */
    listByProject(
      projectId: string,
      filter: { environmentName?: string | undefined; beforeNumber?: number | undefined },
      take: number,
    ) {
      return prisma.release.findMany({
        where: {
          projectId,
          ...(filter.environmentName ? { environmentName: filter.environmentName } : {}),
          ...(filter.beforeNumber !== undefined ? { number: { lt: filter.beforeNumber } } : {}),
        },
        orderBy: { number: 'desc' },
        take,
        include: releaseInclude,
        // A page of history never needs the rendered objects (kilobytes each); its configs and
        // project come in the same statement.
        omit: { objects: true },
        relationLoadStrategy: 'join',
      });
    },

    /** An environment's releases across the projects the caller may read, newest first. */
    listByEnvironment(
      environmentId: string,
      filter: {
        readable: 'all' | { projectIds: string[] };
        projectSlug?: string | undefined;
        before?: { createdAt: Date; id: string } | undefined;
      },
      take: number,
    ) {
      const before = filter.before;
      return prisma.release.findMany({
        where: {
          environmentId,
          ...(filter.readable === 'all' ? {} : { projectId: { in: filter.readable.projectIds } }),
          ...(filter.projectSlug ? { project: { slug: filter.projectSlug } } : {}),
          ...(before
            ? {
                OR: [
                  { createdAt: { lt: before.createdAt } },
                  { createdAt: before.createdAt, id: { lt: before.id } },
                ],
              }
            : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
        include: releaseInclude,
        // A page of history never needs the rendered objects (kilobytes each); its configs and
        // project come in the same statement.
        omit: { objects: true },
        relationLoadStrategy: 'join',
      });
    },

    /** Per project with releases in the environment: the live (newest succeeded) and the newest release. */
    async liveIn(environmentId: string, projectIds: 'all' | string[]) {
      const where = {
        environmentId,
        ...(projectIds === 'all' ? {} : { projectId: { in: projectIds } }),
      };
      const [latest, live] = await Promise.all([
        prisma.release.findMany({
          where,
          distinct: ['projectId'],
          orderBy: [{ projectId: 'asc' }, { number: 'desc' }],
          include: releaseInclude,
        }),
        prisma.release.findMany({
          where: { ...where, status: 'succeeded' },
          distinct: ['projectId'],
          orderBy: [{ projectId: 'asc' }, { number: 'desc' }],
          include: releaseInclude,
        }),
      ]);
      return { latest, live };
    },

    /** The data of each config version, by id (ConfigMaps are made from it). */
    async configData(configVersionIds: string[]): Promise<Map<string, Record<string, string>>> {
      const rows = await prisma.configVersion.findMany({
        where: { id: { in: configVersionIds } },
        select: { id: true, data: true },
      });
      return new Map(rows.map((row) => [row.id, row.data as Record<string, string>]));
    },

    /**
     * The ConfigMap names GC keeps for a project in an environment: those of its live
     * release, of every release still deploying, and of its last `retain` releases.
     */
    async retainedConfigMaps(projectId: string, environmentId: string, retain: number): Promise<Set<string>> {
      const rows = await prisma.$queryRaw<Array<{ name: string }>>`
        SELECT DISTINCT rc.config_map_name AS name
        FROM release_configs rc JOIN releases r ON r.id = rc.release_id
        WHERE r.id IN (
          (SELECT id FROM releases WHERE project_id = ${projectId}::uuid AND environment_id = ${environmentId}::uuid
            ORDER BY number DESC LIMIT ${retain})
          UNION
          (SELECT id FROM releases WHERE project_id = ${projectId}::uuid AND environment_id = ${environmentId}::uuid
            AND status IN ('succeeded', 'deploying', 'queued', 'awaiting-approval')))`;
      return new Set(rows.map((row) => row.name));
    },

    /** Every (project, environment) pair with releases, with where the environment lives. */
    gcTargets() {
      return prisma.$queryRaw<
        Array<{
          projectId: string;
          projectSlug: string;
          workspaceSlug: string;
          environmentId: string;
          environmentName: string;
          retain: number;
        }>
      >`
        SELECT DISTINCT r.project_id AS "projectId", p.slug AS "projectSlug", w.slug AS "workspaceSlug",
          e.id AS "environmentId", e.name AS "environmentName", e.retain_releases AS retain
        FROM releases r
        JOIN projects p ON p.id = r.project_id
        JOIN workspaces w ON w.id = p.workspace_id
        JOIN environments e ON e.id = r.environment_id
        WHERE e.cluster_id IS NOT NULL AND e.namespace IS NOT NULL`;
    },

    /** A cluster (credentials included) by id, or null when it was deleted. */
    clusterById(id: string) {
      return prisma.cluster.findUnique({ where: { id } });
    },

    /** The environment with its cluster (credentials included), or null. */
    environmentOf(environmentId: string) {
      return prisma.environment.findUnique({ where: { id: environmentId }, include: { cluster: true } });
    },

    /** The workspace's environment by name, with its cluster. */
    environmentByName(workspaceId: string, name: string) {
      return prisma.environment.findUnique({
        where: { workspaceId_name: { workspaceId, name } },
        include: { cluster: true },
      });
    },

    /** What a deploy job's release is made from: the run, its pins, environment and project. */
    runOf(runId: string) {
      return prisma.pipelineRun.findUnique({
        where: { id: runId },
        include: {
          pipeline: { select: { name: true, projectId: true, project: { select: { repoUrl: true } } } },
          environment: { include: { cluster: true } },
        },
      });
    },

    /** The files of a manifest set's version. */
    async manifestFiles(projectId: string, name: string, version: number) {
      const row = await prisma.manifestVersion.findFirst({
        where: { version, manifestSet: { projectId, name } },
        select: { files: true },
      });
      return row ? (row.files as Record<string, string>) : null;
    },

    /** Config versions by id, with their set's name. */
    configVersions(ids: string[]) {
      return prisma.configVersion.findMany({
        where: { id: { in: ids } },
        include: { configSet: { select: { name: true } } },
      });
    },

    /** The config versions of a set in an environment by version number (for the diff). */
    configVersionsOf(releaseIds: string[]) {
      return prisma.releaseConfig.findMany({
        where: { releaseId: { in: releaseIds } },
        include: { configVersion: { select: { data: true } } },
      });
    },
  };
}

export type ReleasesRepo = ReturnType<typeof createReleasesRepo>;

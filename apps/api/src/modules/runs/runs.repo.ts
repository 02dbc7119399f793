import { randomUUID } from 'node:crypto';
import {
  ACTIVE_RUN_STATUSES,
  FINISHED_STATUSES,
  type RunEventOf,
  type RunStatus,
  type StoredRunEvent,
  type WorkStatus,
} from '@slipway/contracts';
import { type Database, Prisma, type PrismaClient, RUN_CHANNEL } from '@slipway/db';
import type { Transition } from './engine/run-transitions.ts';
import { createLogChunksRepo } from './log-chunks.repo.ts';
import { createRunStatement, type JobInsert, type RunInsert, writesOf } from './run-writes.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const runInclude = {
  pipeline: { select: { name: true, projectId: true } },
  jobs: {
    orderBy: [{ stageIndex: 'asc' }, { position: 'asc' }, { attempt: 'asc' }],
    include: {
      steps: { orderBy: { index: 'asc' } },
      decisions: { orderBy: { createdAt: 'asc' } },
    },
  },
} satisfies Prisma.PipelineRunInclude;

export type RunWithJobs = Prisma.PipelineRunGetPayload<{ include: typeof runInclude }>;
export type JobRunRow = RunWithJobs['jobs'][number];
export type StepRunRow = JobRunRow['steps'][number];

export interface NewJobRun {
  stage: string;
  stageIndex: number;
  /** Its place among the jobs of its stage (0-based), as the pipeline lists them. */
  position: number;
  name: string;
  kind: 'job' | 'approval' | 'deploy';
  attempt: number;
  status: string;
  reusedFrom?: number | undefined;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  steps: Array<{ name: string; status: string; exitCode?: number | null; result?: string | null }>;
}

/** What a `step` event says: where the step is, its status, and why its log stopped if it did. */
function stepEvent(
  job: { stage: string; name: string; attempt: number },
  step: { index: number; name: string; exitCode: number | null; logError: string | null },
  status: WorkStatus,
): RunEventOf<'step'> {
  return {
    type: 'step',
    stage: job.stage,
    job: job.name,
    attempt: job.attempt,
    index: step.index,
    name: step.name,
    status,
    exitCode: step.exitCode,
    ...(step.logError ? { logError: step.logError } : {}),
  };
}

/** The one place run, job and step statuses change: each change is also a replayable event. */
export function createRunsRepo(prisma: PrismaClient, sql: Database['sql']) {
  /**
   * Appends one event to the run's event stream (`run_events`: the type in its column, the
   * rest as JSON). The event's shape is checked at compile time by `StoredRunEvent` (the
   * contract's `RunEventSchema` without `log`), not parsed again here.
   */
  async function event(db: Db | undefined, runId: string, event: StoredRunEvent) {
    const { type, ...data } = event;
    await (db ?? prisma).runEvent.create({ data: { runId, type, data } });
  }

  /**
   * Forgets the secret parameter values of the run (or, without an id, of every run) once it
   * has ended and its logs are all archived: they are kept until then, so that a log
   * archived later is masked too, and while a manual job may still be played (it runs with
   * them). Called when a run ends and when a step's log is settled; the sweep without an id
   * once when the engine starts (a crash between the two).
   */
  async function dropSecretsIfSettled(runId?: string, db: Db = prisma): Promise<void> {
    await db.pipelineRun.updateMany({
      where: {
        ...(runId ? { id: runId } : {}),
        secretValues: { not: null },
        status: { notIn: [...ACTIVE_RUN_STATUSES] },
        AND: [
          {
            jobs: {
              none: {
                executor: { not: null },
                steps: { some: { logComplete: false, status: { not: 'pending' } } },
              },
            },
          },
          { jobs: { none: { status: 'manual' } } },
        ],
      },
      data: { secretValues: null },
    });
  }

  return {
    prisma,
    /** The `log_chunks` queries (archiving and reading step logs): see log-chunks.repo.ts. */
    ...createLogChunksRepo(prisma, sql),
    event,

    findByIdempotencyKey(pipelineId: string, idempotencyKey: string, db: Db = prisma) {
      return db.pipelineRun.findUnique({
        where: { pipelineId_idempotencyKey: { pipelineId, idempotencyKey } },
        include: runInclude,
      });
    },

    find(pipelineId: string, number: number, db: Db = prisma) {
      return db.pipelineRun.findUnique({
        where: { pipelineId_number: { pipelineId, number } },
        include: runInclude,
      });
    },

    /** The run with its jobs, steps and decisions: one SQL statement (relation joins). */
    findById(id: string, db: Db = prisma) {
      return db.pipelineRun.findUnique({ where: { id }, include: runInclude, relationLoadStrategy: 'join' });
    },

    /**
     * Stores a new run with its jobs, steps and first event, numbered with the pipeline's next
     * build number, and announces it to the engine — one SQL statement (see
     * `createRunStatement`), so a run request holds no transaction open across round trips.
     * Throws Prisma's unique violation for a taken Idempotency-Key and a foreign-key violation
     * when the pipeline or environment was deleted meanwhile.
     */
    async create(run: RunInsert, jobs: readonly NewJobRun[]): Promise<void> {
      const rows = jobs.map(
        (job): JobInsert => ({
          ...job,
          id: randomUUID(),
          steps: job.steps.map((step, index) => ({
            ...step,
            id: randomUUID(),
            index,
            // A reused step's log stays with the run that produced it.
            logComplete: step.status === 'skipped' || job.reusedFrom !== undefined,
          })),
        }),
      );
      await prisma.$executeRaw(createRunStatement(run, rows, RUN_CHANNEL));
    },

    /**
     * Stores every change of one engine transition (run, jobs, steps, new attempts, events)
     * in ONE SQL statement of data-modifying CTEs: atomic without a transaction block, one
     * round trip. Each row appears at most once (the transition merges its changes).
     */
    async apply(runId: string, changes: Transition): Promise<void> {
      const parts = writesOf(runId, changes);
      if (parts.length === 0) return;
      const ctes = parts.map((part, index) => Prisma.sql`w${Prisma.raw(String(index))} AS (${part})`);
      await prisma.$executeRaw`WITH ${Prisma.join(ctes, ', ')} SELECT 1`;
    },

    /**
     * Tells the leading replica's engine that the run needs a look (NOTIFY on `RUN_CHANNEL`,
     * delivered when the caller's transaction commits): the replica that took the request
     * may not be the one that runs the engine.
     */
    async announce(runId: string): Promise<void> {
      await prisma.$executeRaw`SELECT pg_notify(${RUN_CHANNEL}, ${runId})`;
    },

    /** Marks the jobs released (their executor was told it may clean up). */
    async markReleased(jobIds: string[]): Promise<void> {
      if (jobIds.length === 0) return;
      await prisma.jobRun.updateMany({ where: { id: { in: jobIds } }, data: { releasedAt: new Date() } });
    },

    /**
     * Runs that ended with something left for the engine: a log to archive or a finished
     * job not yet released (looked up once when the engine starts).
     */
    async unsettledEndedRunIds(): Promise<string[]> {
      const rows = await prisma.jobRun.findMany({
        where: {
          executor: { not: null },
          run: { status: { notIn: [...ACTIVE_RUN_STATUSES] } },
          OR: [
            { steps: { some: { logComplete: false, status: { not: 'pending' } } } },
            { releasedAt: null, status: { in: [...FINISHED_STATUSES] } },
          ],
        },
        select: { runId: true },
        distinct: ['runId'],
      });
      return rows.map((row) => row.runId);
    },

    /** Where the run's jobs are dispatched now: its environment (and cluster) and project. */
    async dispatchSourceOf(run: { environmentId: string | null; pipeline: { projectId: string } }) {
      const [environment, project] = await Promise.all([
        run.environmentId
          ? prisma.environment.findUnique({
              where: { id: run.environmentId },
              select: { id: true, namespace: true, cluster: true },
            })
          : null,
        prisma.project.findUnique({
          where: { id: run.pipeline.projectId },
          select: {
            slug: true,
            repoUrl: true,
            gitCredential: true,
            workspaceId: true,
            workspace: { select: { slug: true } },
          },
        }),
      ]);
      return { environment, project };
    },

    /** The clusters of these ids that still exist. */
    clustersByIds(ids: string[]) {
      return ids.length === 0 ? Promise.resolve([]) : prisma.cluster.findMany({ where: { id: { in: ids } } });
    },

    /** Whether nothing more will happen to the run: it ended and every log is archived. */
    async isSettled(runId: string): Promise<boolean> {
      const run = await prisma.pipelineRun.findUnique({ where: { id: runId }, select: { status: true } });
      if (!run || ACTIVE_RUN_STATUSES.includes(run.status)) return false;
      const open = await prisma.stepRun.count({
        where: { logComplete: false, status: { not: 'pending' }, jobRun: { runId, executor: { not: null } } },
      });
      return open === 0;
    },

    list(
      pipelineId: string,
      filter: {
        beforeNumber?: number | undefined;
        take: number;
        status?: string | undefined;
        releaseType?: string | undefined;
        environment?: string | undefined;
        triggeredBy?: string | undefined;
      },
    ) {
      return prisma.pipelineRun.findMany({
        where: {
          pipelineId,
          ...(filter.beforeNumber ? { number: { lt: filter.beforeNumber } } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.releaseType ? { releaseType: filter.releaseType } : {}),
          ...(filter.environment ? { environmentName: filter.environment } : {}),
          ...(filter.triggeredBy ? { triggeredByName: filter.triggeredBy } : {}),
        },
        orderBy: { number: 'desc' },
        take: filter.take,
        include: { pipeline: { select: { name: true } } },
      });
    },

    activeRunIds(): Promise<string[]> {
      return prisma.pipelineRun
        .findMany({
          where: { status: { in: [...ACTIVE_RUN_STATUSES] } },
          select: { id: true },
          orderBy: { createdAt: 'asc' },
        })
        .then((rows) => rows.map((r) => r.id));
    },

    /** Hands out the next build number of a pipeline (row lock: concurrent runs never share one). */
    async setRun(
      runId: string,
      data: Prisma.PipelineRunUpdateInput & { status?: RunStatus },
      db: Db = prisma,
    ): Promise<void> {
      await db.pipelineRun.update({ where: { id: runId }, data });
      if (data.status) await event(db, runId, { type: 'run', status: data.status });
      if (data.status && !ACTIVE_RUN_STATUSES.includes(data.status)) await dropSecretsIfSettled(runId, db);
    },

    async setJob(
      runId: string,
      jobId: string,
      data: Prisma.JobRunUpdateInput & { status?: WorkStatus },
      db: Db = prisma,
    ): Promise<void> {
      const job = await db.jobRun.update({ where: { id: jobId }, data });
      if (data.status) {
        await event(db, runId, {
          type: 'job',
          stage: job.stage,
          name: job.name,
          attempt: job.attempt,
          status: data.status,
          message: job.message,
        });
      }
    },

    async setStep(
      runId: string,
      job: { stage: string; name: string; attempt: number },
      stepId: string,
      data: Prisma.StepRunUpdateInput & { status?: WorkStatus },
      db: Db = prisma,
    ): Promise<void> {
      const step = await db.stepRun.update({ where: { id: stepId }, data });
      if (data.status) {
        await event(db, runId, stepEvent(job, step, data.status));
      }
    },

    /** Every line of the step's log is archived. */
    async completeLog(stepRunId: string): Promise<void> {
      await prisma.stepRun.update({ where: { id: stepRunId }, data: { logComplete: true } });
    },

    /**
     * Archiving the step's log stopped for good: records why on the step (its log counts as
     * complete, so the run can settle) and tells the run's event stream, in one transaction.
     */
    async failLog(
      runId: string,
      job: { stage: string; name: string; attempt: number },
      stepRunId: string,
      logError: string,
    ): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const step = await tx.stepRun.update({
          where: { id: stepRunId },
          data: { logComplete: true, logError: logError.slice(0, 500) },
        });
        // The status is unchanged: the one the typed setStep wrote.
        await event(tx, runId, stepEvent(job, step, step.status as WorkStatus));
      });
    },

    dropSecretsIfSettled,

    /** Events after a cursor, for the event stream (bounded page). */
    eventsAfter(runId: string, afterId: bigint, take: number) {
      return prisma.runEvent.findMany({
        where: { runId, id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take,
      });
    },

    /** The release numbers of deploy job attempts, by job run id (attempts without one are absent). */
    async releaseNumbers(jobRunIds: readonly string[]): Promise<Map<string, number>> {
      const rows = await prisma.release.findMany({
        where: { jobRunId: { in: [...jobRunIds] } },
        select: { jobRunId: true, number: true },
      });
      return new Map(rows.flatMap((row) => (row.jobRunId ? [[row.jobRunId, row.number] as const] : [])));
    },

    async latestIds(runId: string): Promise<{ event: bigint; chunk: bigint }> {
      const [event, chunk] = await Promise.all([
        prisma.runEvent.findFirst({ where: { runId }, orderBy: { id: 'desc' }, select: { id: true } }),
        prisma.logChunk.findFirst({ where: { runId }, orderBy: { id: 'desc' }, select: { id: true } }),
      ]);
      return { event: event?.id ?? 0n, chunk: chunk?.id ?? 0n };
    },

    /**
     * Plays a manual job: in one transaction, the job goes from `manual` to `pending` with
     * who played it and when, and a run that had ended `succeeded` is `running` again (its
     * events written, the engine announced on commit). False, with nothing changed, when the
     * job was not `manual` any more (played meanwhile, or ended with its run). The engine
     * also reopens a succeeded run with a played job itself (see `reopensForPlayedJob`), so
     * a reconcile that stored `succeeded` over this is put right at its next look.
     */
    async playJob(
      runId: string,
      jobId: string,
      player: { userId: string; userName: string; message: string },
    ): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const played = await tx.jobRun.updateMany({
          where: { id: jobId, status: 'manual' },
          data: {
            status: 'pending',
            message: player.message,
            playedById: player.userId,
            playedByName: player.userName,
            playedAt: new Date(),
          },
        });
        if (played.count === 0) return false;
        const job = await tx.jobRun.findUniqueOrThrow({ where: { id: jobId } });
        await event(tx, runId, {
          type: 'job',
          stage: job.stage,
          name: job.name,
          attempt: job.attempt,
          status: 'pending',
          message: job.message,
        });
        const reopened = await tx.pipelineRun.updateMany({
          where: { id: runId, status: 'succeeded' },
          data: { status: 'running', finishedAt: null },
        });
        if (reopened.count > 0) await event(tx, runId, { type: 'run', status: 'running' });
        await tx.$executeRaw`SELECT pg_notify(${RUN_CHANNEL}, ${runId})`;
        return true;
      });
    },

    addDecision(
      data: { jobRunId: string; userId: string; userName: string; decision: string; comment: string | null },
      db: Db = prisma,
    ) {
      return db.approvalDecision.create({ data });
    },
  };
}

export type RunsRepo = ReturnType<typeof createRunsRepo>;

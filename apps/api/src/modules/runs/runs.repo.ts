import { ACTIVE_RUN_STATUSES } from '@slipway/contracts';
import type { Database, Prisma, PrismaClient } from '@slipway/db';
import { createLogChunksRepo } from './log-chunks.repo.ts';

type Db = PrismaClient | Prisma.TransactionClient;

export const runInclude = {
  pipeline: { select: { name: true, projectId: true } },
  jobs: {
    orderBy: [{ stageIndex: 'asc' }, { createdAt: 'asc' }, { attempt: 'asc' }],
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
  name: string;
  kind: 'job' | 'approval';
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
  step: { index: number; name: string; status: string; exitCode: number | null; logError: string | null },
) {
  return {
    stage: job.stage,
    job: job.name,
    attempt: job.attempt,
    index: step.index,
    name: step.name,
    status: step.status,
    exitCode: step.exitCode,
    ...(step.logError ? { logError: step.logError } : {}),
  };
}

/** The one place run, job and step statuses change: each change is also a replayable event. */
export function createRunsRepo(prisma: PrismaClient, sql: Database['sql']) {
  async function event(db: Db, runId: string, type: string, data: Prisma.InputJsonValue) {
    await db.runEvent.create({ data: { runId, type, data } });
  }

  /**
   * Forgets the secret parameter values of the run (or, without an id, of every run) once it
   * has ended and its logs are all archived: they are kept until then, so that a log
   * archived later is masked too. Called when a run ends and when a step's log is settled;
   * the sweep without an id once when the engine starts (a crash between the two).
   */
  async function dropSecretsIfSettled(runId?: string, db: Db = prisma): Promise<void> {
    await db.pipelineRun.updateMany({
      where: {
        ...(runId ? { id: runId } : {}),
        secretValues: { not: null },
        status: { notIn: [...ACTIVE_RUN_STATUSES] },
        jobs: {
          none: {
            executor: { not: null },
            steps: { some: { logComplete: false, status: { not: 'pending' } } },
          },
        },
      },
      data: { secretValues: null },
    });
  }

  return {
    prisma,
    /** The `log_chunks` queries (archiving and reading step logs): see log-chunks.repo.ts. */
    ...createLogChunksRepo(prisma, sql),
    transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      return prisma.$transaction(work);
    },
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

    findById(id: string, db: Db = prisma) {
      return db.pipelineRun.findUnique({ where: { id }, include: runInclude });
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
    async nextRunNumber(pipelineId: string, db: Db): Promise<number> {
      const updated = await db.pipeline.update({
        where: { id: pipelineId },
        data: { runCounter: { increment: 1 } },
        select: { runCounter: true },
      });
      return updated.runCounter;
    },

    async addJobs(runId: string, jobs: NewJobRun[], db: Db) {
      for (const job of jobs) {
        await db.jobRun.create({
          data: {
            runId,
            stage: job.stage,
            stageIndex: job.stageIndex,
            name: job.name,
            kind: job.kind,
            attempt: job.attempt,
            status: job.status,
            reusedFrom: job.reusedFrom ?? null,
            startedAt: job.startedAt ?? null,
            finishedAt: job.finishedAt ?? null,
            steps: {
              create: job.steps.map((step, index) => ({
                index,
                name: step.name,
                status: step.status,
                exitCode: step.exitCode ?? null,
                result: step.result ?? null,
                // A reused step's log stays with the run that produced it.
                logComplete: step.status === 'skipped' || job.reusedFrom !== undefined,
              })),
            },
          },
        });
      }
    },

    async setRun(
      runId: string,
      data: Prisma.PipelineRunUpdateInput & { status?: string },
      db: Db = prisma,
    ): Promise<void> {
      await db.pipelineRun.update({ where: { id: runId }, data });
      if (data.status) await event(db, runId, 'run', { status: data.status });
      if (data.status && !ACTIVE_RUN_STATUSES.includes(data.status)) await dropSecretsIfSettled(runId, db);
    },

    async setJob(
      runId: string,
      jobId: string,
      data: Prisma.JobRunUpdateInput & { status?: string },
      db: Db = prisma,
    ): Promise<void> {
      const job = await db.jobRun.update({ where: { id: jobId }, data });
      if (data.status) {
        await event(db, runId, 'job', {
          stage: job.stage,
          name: job.name,
          attempt: job.attempt,
          status: job.status,
          message: job.message,
        });
      }
    },

    async setStep(
      runId: string,
      job: { stage: string; name: string; attempt: number },
      stepId: string,
      data: Prisma.StepRunUpdateInput & { status?: string },
      db: Db = prisma,
    ): Promise<void> {
      const step = await db.stepRun.update({ where: { id: stepId }, data });
      if (data.status) {
        await event(db, runId, 'step', stepEvent(job, step));
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
        await event(tx, runId, 'step', stepEvent(job, step));
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

    async latestIds(runId: string): Promise<{ event: bigint; chunk: bigint }> {
      const [event, chunk] = await Promise.all([
        prisma.runEvent.findFirst({ where: { runId }, orderBy: { id: 'desc' }, select: { id: true } }),
        prisma.logChunk.findFirst({ where: { runId }, orderBy: { id: 'desc' }, select: { id: true } }),
      ]);
      return { event: event?.id ?? 0n, chunk: chunk?.id ?? 0n };
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

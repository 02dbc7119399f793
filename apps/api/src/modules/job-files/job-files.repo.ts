import type { PrismaClient } from '@slipway/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads for the job-files routes: the job attempt a token names, with its run and project. */
export function createJobFilesRepo(prisma: PrismaClient) {
  return {
    /** The job attempt with what the routes need of its run, or null (also for a malformed id). */
    async findJob(jobRunId: string) {
      if (!UUID.test(jobRunId)) return null;
      return prisma.jobRun.findUnique({
        where: { id: jobRunId },
        select: {
          id: true,
          stage: true,
          stageIndex: true,
          name: true,
          executor: true,
          status: true,
          finishedAt: true,
          run: {
            select: { id: true, spec: true, pipelineId: true, pipeline: { select: { projectId: true } } },
          },
        },
      });
    },
  };
}

export type JobFilesRepo = ReturnType<typeof createJobFilesRepo>;

import { FINISHED_STATUSES } from '@slipway/contracts';
import type { PrismaClient } from '@slipway/db';
import type { ParsedTestCase } from './junit-xml.ts';

/** Rows per INSERT when a job's cases are stored. */
const INSERT_BATCH = 1000;

/** A report that could not be read, as stored. */
export interface ReportWarning {
  file: string;
  message: string;
}

/** A job attempt of a run, as the test results need it. */
export interface RunJob {
  id: string;
  stage: string;
  stageIndex: number;
  position: number;
  name: string;
  attempt: number;
  /** The run whose result this attempt re-uses (a retry from a later stage). */
  reusedFrom: number | null;
}

const jobSelect = {
  id: true,
  stage: true,
  stageIndex: true,
  position: true,
  name: true,
  attempt: true,
  reusedFrom: true,
} as const;

/** Test cases and report warnings of job attempts (README "Test reports"). */
export function createTestReportsRepo(prisma: PrismaClient) {
  return {
    /**
     * Stores what one upload of a job attempt's reports gave, replacing what an earlier
     * upload of the same attempt stored (one transaction: readers see the old or the new).
     */
    async replace(jobRunId: string, cases: readonly ParsedTestCase[], warnings: readonly ReportWarning[]) {
      await prisma.$transaction(async (tx) => {
        await tx.testCase.deleteMany({ where: { jobRunId } });
        await tx.testReportWarning.deleteMany({ where: { jobRunId } });
        for (let start = 0; start < cases.length; start += INSERT_BATCH) {
          await tx.testCase.createMany({
            data: cases.slice(start, start + INSERT_BATCH).map((c, index) => ({
              jobRunId,
              position: start + index,
              suite: c.suite,
              classname: c.classname,
              name: c.name,
              status: c.status,
              message: c.message,
              stack: c.stack,
              durationMs: c.durationMs,
            })),
          });
        }
        if (warnings.length > 0) {
          await tx.testReportWarning.createMany({
            data: warnings.map((w) => ({ jobRunId, file: w.file, message: w.message })),
          });
        }
      });
    },

    /** The job attempts of a run (every attempt; the caller picks the latest). */
    jobsOfRun(runId: string): Promise<RunJob[]> {
      return prisma.jobRun.findMany({ where: { runId }, select: jobSelect });
    },

    /** The job attempts of run `number` of a pipeline (a reused job's source). */
    jobsOfRunNumber(pipelineId: string, number: number): Promise<RunJob[]> {
      return prisma.jobRun.findMany({ where: { run: { pipelineId, number } }, select: jobSelect });
    },

    /** The cases of these job attempts, in report order. */
    casesOf(jobRunIds: readonly string[]) {
      return prisma.testCase.findMany({
        where: { jobRunId: { in: [...jobRunIds] } },
        orderBy: [{ jobRunId: 'asc' }, { position: 'asc' }],
        select: {
          jobRunId: true,
          suite: true,
          classname: true,
          name: true,
          status: true,
          message: true,
          stack: true,
          durationMs: true,
        },
      });
    },

    /** The report warnings of these job attempts, oldest first. */
    warningsOf(jobRunIds: readonly string[]) {
      return prisma.testReportWarning.findMany({
        where: { jobRunId: { in: [...jobRunIds] } },
        orderBy: [{ createdAt: 'asc' }, { file: 'asc' }],
        select: { jobRunId: true, file: true, message: true },
      });
    },

    /**
     * Finished runs of the pipeline on `ref` before run `number`, newest first, that may
     * have test cases (stored in them, or in the run a reused job came from).
     */
    previousRunsWithTests(pipelineId: string, ref: string, number: number, take: number) {
      return prisma.pipelineRun.findMany({
        where: {
          pipelineId,
          ref,
          number: { lt: number },
          status: { in: [...FINISHED_STATUSES] },
          OR: [
            { jobs: { some: { testCases: { some: {} } } } },
            { jobs: { some: { reusedFrom: { not: null } } } },
          ],
        },
        orderBy: { number: 'desc' },
        take,
        select: { id: true, number: true },
      });
    },
  };
}

export type TestReportsRepo = ReturnType<typeof createTestReportsRepo>;

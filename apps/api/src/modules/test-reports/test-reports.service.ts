import type { RunTests, TestCase, TestStatus } from '@slipway/contracts';
import type { Actor } from '../../lib/actor.ts';
import type { RunParams, RunsService } from '../runs/runs.service.ts';
import type { RunJob, TestReportsRepo } from './test-reports.repo.ts';
import { compareTestRuns, totalsOf } from './test-results.ts';

/** How many earlier runs are looked at for one that has test results. */
const PREVIOUS_RUNS_SCANNED = 10;
/** How far a chain of retries that re-use a job is followed. */
const MAX_REUSE_DEPTH = 20;

/** A job of a run and the attempt whose reports stand for it (its own, or a reused one's). */
interface ReportingJob {
  job: RunJob;
  reportsOf: string;
}

function latestAttempts(jobs: readonly RunJob[]): RunJob[] {
  const latest = new Map<string, RunJob>();
  for (const job of jobs) {
    const key = `${job.stage}\u0000${job.name}`;
    const seen = latest.get(key);
    if (!seen || job.attempt > seen.attempt) latest.set(key, job);
  }
  return [...latest.values()].sort((a, b) => a.stageIndex - b.stageIndex || a.position - b.position);
}

/**
 * The test results of runs (README "Test reports"): a run's cases, failures first, compared
 * with the previous finished run of the pipeline on the same branch that has results.
 */
export function createTestReportsService(deps: {
  repo: TestReportsRepo;
  runs: Pick<RunsService, 'readable'>;
}) {
  const { repo } = deps;

  /**
   * The latest attempt of each job of a run, with the attempt whose reports stand for it: a
   * job a retry re-used from an earlier run reports what it reported there.
   */
  async function reportingJobs(pipelineId: string, runId: string): Promise<ReportingJob[]> {
    const jobs = latestAttempts(await repo.jobsOfRun(runId));
    const runs = new Map<number, RunJob[]>();
    return Promise.all(
      jobs.map(async (job) => {
        let source = job;
        for (let depth = 0; source.reusedFrom !== null && depth < MAX_REUSE_DEPTH; depth++) {
          const number = source.reusedFrom;
          const earlier = runs.get(number) ?? latestAttempts(await repo.jobsOfRunNumber(pipelineId, number));
          runs.set(number, earlier);
          const match = earlier.find((e) => e.stage === job.stage && e.name === job.name);
          if (!match) break;
          source = match;
        }
        return { job, reportsOf: source.id };
      }),
    );
  }

  async function casesOf(jobs: readonly ReportingJob[]): Promise<TestCase[]> {
    const rows = await repo.casesOf(jobs.map((j) => j.reportsOf));
    const byJob = new Map<string, typeof rows>();
    for (const row of rows) {
      const list = byJob.get(row.jobRunId);
      if (list) list.push(row);
      else byJob.set(row.jobRunId, [row]);
    }
    return jobs.flatMap(({ job, reportsOf }) =>
      (byJob.get(reportsOf) ?? []).map(
        (row): TestCase => ({
          job: job.name,
          stage: job.stage,
          suite: row.suite,
          classname: row.classname,
          name: row.name,
          status: row.status as TestStatus,
          ...(row.message === null ? {} : { message: row.message }),
          ...(row.stack === null ? {} : { stack: row.stack }),
          ...(row.durationMs === null ? {} : { durationMs: row.durationMs }),
        }),
      ),
    );
  }

  /** The latest earlier run on the branch with test cases, and its cases. */
  async function previousOf(run: { pipelineId: string; ref: string; number: number }) {
    const candidates = await repo.previousRunsWithTests(
      run.pipelineId,
      run.ref,
      run.number,
      PREVIOUS_RUNS_SCANNED,
    );
    for (const candidate of candidates) {
      const cases = await casesOf(await reportingJobs(run.pipelineId, candidate.id));
      if (cases.length > 0) return { number: candidate.number, cases };
    }
    return null;
  }

  return {
    /** `GET …/runs/{number}/tests`: for whoever may read the run. */
    async runTests(actor: Actor, params: RunParams): Promise<RunTests> {
      const run = await deps.runs.readable(actor, params);
      const jobs = await reportingJobs(run.pipelineId, run.id);
      const [current, previous, warnings] = await Promise.all([
        casesOf(jobs),
        previousOf(run),
        repo.warningsOf(jobs.map((j) => j.reportsOf)),
      ]);
      const { comparison, cases } = compareTestRuns(current, previous);
      const jobOf = new Map(jobs.map((j) => [j.reportsOf, j.job]));
      return {
        ...totalsOf(cases),
        cases,
        comparison,
        warnings: warnings.map((w) => ({
          job: jobOf.get(w.jobRunId)?.name ?? '',
          stage: jobOf.get(w.jobRunId)?.stage ?? '',
          file: w.file,
          message: w.message,
        })),
      };
    },
  };
}

export type TestReportsService = ReturnType<typeof createTestReportsService>;

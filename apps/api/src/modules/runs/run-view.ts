import type { JobRun, Run, RunSummary } from '@slipway/contracts';
import type { Approval } from '@slipway/pipeline';
import type { JobRunRow, RunWithJobs } from './runs.repo.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

type SummaryRow = Omit<RunWithJobs, 'jobs' | 'pipeline'> & { pipeline: { name: string } };

export function toRunSummary(row: SummaryRow): RunSummary {
  return {
    number: row.number,
    pipeline: row.pipeline.name,
    revision: row.revision,
    status: row.status as RunSummary['status'],
    releaseType: row.releaseType,
    environment: row.environmentName,
    ref: row.ref,
    commit: row.commitSha,
    trigger: row.trigger as RunSummary['trigger'],
    triggeredBy: row.triggeredByName,
    retryOf: row.retryOf,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

/** The latest attempt of every job, in stage order. */
export function latestAttempts(jobs: readonly JobRunRow[]): JobRunRow[] {
  const latest = new Map<string, JobRunRow>();
  for (const job of jobs) {
    const key = `${job.stage}\u0000${job.name}`;
    const seen = latest.get(key);
    if (!seen || seen.attempt < job.attempt) latest.set(key, job);
  }
  return [...latest.values()].sort((a, b) => a.stageIndex - b.stageIndex);
}

/** Whether the one who asked may decide a waiting gate, and why not (see `gateRefusal`). */
export type GateCaller = NonNullable<JobRun['approval']>['caller'];

/** Whether the one who asked may play a manual job, and why not (see `playRefusal`). */
export type PlayCaller = NonNullable<JobRun['manual']>['caller'];

/** A manual job's part of the view: null for other jobs; `caller` only for a `manual` one read by a user. */
export interface ManualView {
  manual: boolean;
  caller: PlayCaller;
}

export function toJobRun(
  job: JobRunRow,
  approval: Approval | undefined,
  caller: GateCaller = null,
  release: number | null = null,
  manual: ManualView = { manual: false, caller: null },
): JobRun {
  return {
    name: job.name,
    stage: job.stage,
    stageIndex: job.stageIndex,
    kind: job.kind as JobRun['kind'],
    status: job.status as JobRun['status'],
    attempt: job.attempt,
    executor: job.executor as JobRun['executor'],
    reusedFrom: job.reusedFrom,
    message: job.message,
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    steps: job.steps.map((step) => ({
      index: step.index,
      name: step.name,
      status: step.status as JobRun['status'],
      exitCode: step.exitCode,
      result: step.result,
      logLines: step.logLines,
      logError: step.logError,
      startedAt: iso(step.startedAt),
      finishedAt: iso(step.finishedAt),
    })),
    release: job.kind === 'deploy' ? release : null,
    approval:
      job.kind === 'approval' && approval
        ? {
            ...approval,
            decisions: job.decisions.map((d) => ({
              user: d.userName,
              decision: d.decision as 'approve' | 'reject',
              comment: d.comment,
              createdAt: d.createdAt.toISOString(),
            })),
            caller,
          }
        : null,
    manual: manual.manual
      ? { playedBy: job.playedByName, playedAt: iso(job.playedAt), caller: manual.caller }
      : null,
  };
}

/**
 * The run as the API shows it. `approvals` are the gates' rules by `stage/name`; `callers`
 * (same keys) say whether the one who asked may decide each waiting gate; `releases` are the
 * release numbers of deploy job attempts, by job run id; `manualJobs` the `stage/name` keys
 * of manual jobs, `players` (same keys) whether the one who asked may play each `manual` one.
 */
export function toRun(
  row: RunWithJobs,
  approvals: ReadonlyMap<string, Approval>,
  callers: ReadonlyMap<string, GateCaller> = new Map(),
  releases: ReadonlyMap<string, number> = new Map(),
  manualJobs: ReadonlySet<string> = new Set(),
  players: ReadonlyMap<string, PlayCaller> = new Map(),
): Omit<Run, 'streamCursor'> {
  return {
    ...toRunSummary(row),
    parameters: row.parameters as Record<string, unknown>,
    spec: row.spec,
    jobs: latestAttempts(row.jobs).map((job) => {
      const key = `${job.stage}/${job.name}`;
      return toJobRun(job, approvals.get(key), callers.get(key) ?? null, releases.get(job.id) ?? null, {
        manual: manualJobs.has(key) || job.playedAt !== null,
        caller: players.get(key) ?? null,
      });
    }),
  };
}

import type { JobRun, Run } from '@slipway/contracts';

export interface StageOfRun {
  name: string;
  jobs: JobRun[];
}

/** Jobs grouped by stage, stages in the order they run. */
export function stagesOf(jobs: readonly JobRun[]): StageOfRun[] {
  const stages: StageOfRun[] = [];
  for (const job of [...jobs].sort((a, b) => a.stageIndex - b.stageIndex)) {
    const stage = stages.at(-1);
    if (stage && stage.name === job.stage) stage.jobs.push(job);
    else stages.push({ name: job.stage, jobs: [job] });
  }
  return stages;
}

/** A stage's status at a glance: the worst or most current of its jobs. */
export function stageStatus(jobs: readonly Pick<JobRun, 'status'>[]): string {
  for (const status of ['rejected', 'failed', 'cancelled', 'running', 'waiting', 'pending'] as const) {
    if (jobs.some((job) => job.status === status)) return status;
  }
  if (jobs.every((job) => job.status === 'skipped')) return 'skipped';
  // A stage of manual jobs nobody played (and skipped ones) did nothing yet.
  return jobs.every((job) => job.status === 'manual' || job.status === 'skipped') ? 'manual' : 'succeeded';
}

/**
 * Stages a retry may start from: every stage before it must have succeeded (or been
 * skipped, or left a manual job unplayed), since the retry re-uses what those produced. The
 * first stage is left out: retrying from it is retrying the whole run.
 */
export function retryableStages(run: Pick<Run, 'jobs'>): string[] {
  const allowed: string[] = [];
  for (const stage of stagesOf(run.jobs)) {
    allowed.push(stage.name);
    if (!stage.jobs.every((job) => ['succeeded', 'skipped', 'manual'].includes(job.status))) break;
  }
  return allowed.slice(1);
}

/**
 * The job a run page shows when the URL names none: what needs attention first (a gate
 * waiting for a decision, then a rejection, a failure, something running, a manual job
 * waiting to be played), else the first.
 */
export function defaultJob<J extends Pick<JobRun, 'status'>>(jobs: readonly J[]): J | undefined {
  for (const status of ['waiting', 'rejected', 'failed', 'running', 'manual'] as const) {
    const job = jobs.find((candidate) => candidate.status === status);
    if (job) return job;
  }
  return jobs[0];
}

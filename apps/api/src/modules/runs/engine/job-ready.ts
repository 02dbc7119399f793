import type { JobRunRow } from '../runs.repo.ts';

/**
 * When a job attempt became ready to be dispatched: when it was created (the run requested, a
 * retry attempt made) or when the last job of the stages before it ended, whichever is later.
 * `slipway_dispatch_latency_seconds` measures from here to the executor's object created.
 */
export function readySince(
  jobs: readonly Pick<JobRunRow, 'stageIndex' | 'finishedAt'>[],
  job: Pick<JobRunRow, 'stageIndex' | 'createdAt'>,
): Date {
  let ready = job.createdAt.getTime();
  for (const other of jobs) {
    if (other.stageIndex < job.stageIndex && other.finishedAt) {
      ready = Math.max(ready, other.finishedAt.getTime());
    }
  }
  return new Date(ready);
}

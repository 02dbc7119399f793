import type { JobRunRow, RunWithJobs, StepRunRow } from '../src/modules/runs/runs.repo.ts';

// Rows of a run as the runs repo loads them, for the engine's pure transition tests.

/** When the rows were made: 10 s before the tests' `now`. */
export const EARLIER = new Date('2026-12-01T09:59:50.000Z');

/** A step row of job `jobId` (step 0 is the checkout), pending. */
export function step(jobId: string, index: number, over: Partial<StepRunRow> = {}): StepRunRow {
  return {
    id: `${jobId}-s${index}`,
    jobRunId: jobId,
    index,
    name: index === 0 ? 'checkout' : `step${index}`,
    status: 'pending',
    exitCode: null,
    logBytes: 0n,
    logLines: 0,
    logComplete: false,
    logError: null,
    result: null,
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

/** A job row (pending, in stage `s`), with its steps (none for a gate). */
export function job(id: string, over: Partial<JobRunRow> = {}, stepCount = 2): JobRunRow {
  const base: JobRunRow = {
    id,
    runId: 'run',
    stage: over.stage ?? 's',
    stageIndex: 0,
    position: 0,
    name: id,
    kind: 'job',
    attempt: 1,
    status: 'pending',
    executor: null,
    externalName: null,
    clusterId: null,
    namespace: null,
    message: null,
    reusedFrom: null,
    releasedAt: null,
    playedById: null,
    playedByName: null,
    playedAt: null,
    createdAt: EARLIER,
    startedAt: null,
    finishedAt: null,
    steps: [],
    decisions: [],
    ...over,
  };
  if (!over.steps) {
    base.steps = base.kind === 'approval' ? [] : Array.from({ length: stepCount }, (_, i) => step(id, i));
  }
  return base;
}

/** A run row (running) with these jobs. */
export function run(jobs: JobRunRow[], over: Partial<RunWithJobs> = {}): RunWithJobs {
  return {
    id: 'run',
    pipelineId: 'p',
    number: 1,
    revision: 1,
    spec: '',
    releaseType: 'default',
    environmentId: 'e',
    environmentName: 'dev',
    parameters: {},
    secretValues: null,
    ref: 'main',
    commitSha: null,
    trigger: 'manual',
    triggeredById: null,
    triggeredByName: 'admin',
    idempotencyKey: null,
    idempotencyFingerprint: null,
    retryOf: null,
    deployPins: null,
    status: 'running',
    cancelRequested: false,
    message: null,
    createdAt: EARLIER,
    startedAt: EARLIER,
    finishedAt: null,
    pipeline: { name: 'ci', projectId: 'proj' },
    jobs,
    ...over,
  };
}

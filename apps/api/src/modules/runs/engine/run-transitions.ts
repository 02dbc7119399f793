import { FINISHED_STATUSES, type RunEventOf, type RunStatus, type WorkStatus } from '@slipway/contracts';
import type { PlannedJob } from '@slipway/pipeline';
import { CHECKOUT_STEP } from '../run-spec.ts';
import { latestAttempts } from '../run-view.ts';
import type { JobRunRow, RunWithJobs, StepRunRow } from '../runs.repo.ts';
import { externalNameOf, type JobObservation } from './executor.ts';

/**
 * The run engine's decisions as one pure function, in the shape of Argo Workflows'
 * `operator.go` ("compute on a copy, persist once"): given a run as stored, its plan, what
 * the executors observed of its running jobs and the time, it returns every change to store
 * (in one statement, see `RunsRepo.apply`), the events they make, and the actions to take
 * after storing them. No I/O, no clock: everything comes in as arguments.
 */

const finished = (status: string) => FINISHED_STATUSES.includes(status);

/** Where a job dispatched now goes: the run's environment as it is now. */
export interface DispatchTarget {
  executor: 'kubernetes' | 'local';
  /** The cluster (`kubernetes`), recorded on the job so later reconciles use the same one. */
  clusterId: string | null;
  namespace: string;
}

/**
 * What is known of a running job: the executor's observation, or `gone` when the executor
 * it was dispatched to no longer exists (its cluster was deleted): the job fails with
 * `message` and is not retried (nothing could run it the same way again).
 */
export type Observed = JobObservation | { state: 'gone'; message: string };

export interface TransitionInput {
  run: RunWithJobs;
  /** The run's planned jobs (its stored spec planned with its variables). */
  plan: readonly PlannedJob[];
  /** By job id, for the latest attempt of every running job. */
  observed: ReadonlyMap<string, Observed>;
  target: DispatchTarget;
  now: Date;
  /** Ids for new job attempts (retries). */
  newId: () => string;
  /**
   * How soon to look again at a run with a running job on an executor that tells nothing
   * by itself (no watch), in ms; undefined when every such executor watches.
   */
  pollMs?: number | undefined;
  /** The run cannot go on (a `TerminalError`): it fails with this message, its open jobs end. */
  failWith?: string | undefined;
  /**
   * With `failWith`: the jobs that could not go on (e.g. could not be dispatched). They end
   * `failed` with the message, not `skipped` like the other open jobs.
   */
  failedJobIds?: ReadonlySet<string> | undefined;
}

/** Statuses are the contract's (`RunStatus`, `WorkStatus`): the events built from them are typed. */
export type RunChange = Partial<
  Pick<RunWithJobs, 'startedAt' | 'finishedAt' | 'message' | 'commitSha' | 'secretValues'> & {
    status: RunStatus;
  }
>;
export type JobChange = Partial<
  Pick<
    JobRunRow,
    | 'message'
    | 'startedAt'
    | 'finishedAt'
    | 'executor'
    | 'externalName'
    | 'clusterId'
    | 'namespace'
    | 'releasedAt'
  > & { status: WorkStatus }
>;
export type StepChange = Partial<
  Pick<StepRunRow, 'exitCode' | 'result' | 'startedAt' | 'finishedAt' | 'logComplete' | 'logError'> & {
    status: WorkStatus;
  }
>;

/**
 * A run event the engine writes: the contract's event (`RunEventSchema` in
 * @slipway/contracts), the same type the console reads.
 */
export type EngineEvent = RunEventOf<'run'> | RunEventOf<'job'> | RunEventOf<'step'>;

export type EngineAction =
  /** Start (or adopt: same name) the job on its executor; it is stored as running first. */
  | { type: 'start'; job: JobRunRow; planned: PlannedJob }
  | { type: 'stop'; job: JobRunRow }
  /** The step has ended: its log stream ends once read to the end. */
  | { type: 'stepEnded'; stepId: string }
  /** Every log of the finished job is archived: its executor may clean up. */
  | { type: 'release'; job: JobRunRow };

export interface Transition {
  run: RunChange | null;
  jobs: Array<{ id: string; change: JobChange }>;
  steps: Array<{ id: string; change: StepChange }>;
  /** New attempts (retries), as their rows will be (steps included). */
  newJobs: JobRunRow[];
  events: EngineEvent[];
  actions: EngineAction[];
  /** The run as it is once the changes are stored. */
  next: RunWithJobs;
  requeueAfterMs?: number | undefined;
}

/**
 * How an unfinished step ends when its job does: a running one is cancelled (or fails, with
 * the job), one that never started after a failure is skipped.
 */
function endStatus(current: string, neverStarted: boolean, jobEnd: 'cancelled' | 'skipped' | 'failed') {
  if (current === 'running') return jobEnd === 'skipped' ? 'cancelled' : jobEnd;
  return neverStarted && jobEnd === 'failed' ? 'skipped' : jobEnd;
}

/**
 * A manual job someone played that waits to start (`pending`, `playedAt` set): it starts
 * at once, wherever the run is, and holds no stage back (GitLab's manual jobs with the
 * default `allow_failure`).
 */
export const playedAndPending = (job: JobRunRow) => job.status === 'pending' && job.playedAt !== null;

/**
 * Whether a run that ended `succeeded` has a manual job played since: the run goes back to
 * `running` until that job ends (its result counts). A failed, rejected or cancelled run
 * has no `manual` job left to play (they were skipped or cancelled with it).
 */
export function reopensForPlayedJob(run: RunWithJobs): boolean {
  return run.status === 'succeeded' && latestAttempts(run.jobs).some(playedAndPending);
}

/** Whether a manual job of the run may still be played (its secret values are kept for it). */
export function hasPlayableJob(run: RunWithJobs): boolean {
  return latestAttempts(run.jobs).some((job) => job.status === 'manual');
}

/** Whether every started step of the run that ran on an executor has its whole log archived. */
export function logsSettled(run: RunWithJobs): boolean {
  return run.jobs.every(
    (job) => !job.executor || job.steps.every((step) => step.logComplete || step.status === 'pending'),
  );
}

/** The changes and actions that bring the run one step closer to what its plan asks. */
export function transition(input: TransitionInput): Transition {
  const { now, target } = input;
  const run: RunWithJobs = structuredClone(input.run);
  const runChange: RunChange = {};
  const jobChanges = new Map<string, JobChange>();
  const stepChanges = new Map<string, StepChange>();
  const newJobs: JobRunRow[] = [];
  const events: EngineEvent[] = [];
  const actions: EngineAction[] = [];
  let requeueAfterMs: number | undefined;
  const requeue = (ms: number) => {
    requeueAfterMs = Math.max(0, Math.min(requeueAfterMs ?? ms, ms));
  };
  const plannedOf = (job: JobRunRow) => input.plan.find((p) => p.stage === job.stage && p.name === job.name);

  function setRun(change: RunChange) {
    Object.assign(run, change);
    Object.assign(runChange, change);
    if (change.status) events.push({ type: 'run', status: change.status });
  }
  function setJob(job: JobRunRow, change: JobChange) {
    Object.assign(job, change);
    if (!newJobs.includes(job)) jobChanges.set(job.id, { ...jobChanges.get(job.id), ...change });
    if (change.status) {
      const { stage, name, attempt, message } = job;
      events.push({ type: 'job', stage, name, attempt, status: change.status, message });
    }
  }
  function setStep(job: JobRunRow, step: StepRunRow, change: StepChange) {
    Object.assign(step, change);
    if (!newJobs.includes(job)) stepChanges.set(step.id, { ...stepChanges.get(step.id), ...change });
    if (change.status) {
      events.push({
        type: 'step',
        stage: job.stage,
        job: job.name,
        attempt: job.attempt,
        index: step.index,
        name: step.name,
        status: change.status,
        exitCode: step.exitCode,
        ...(step.logError ? { logError: step.logError } : {}),
      });
    }
  }

  function endSteps(job: JobRunRow, status: 'cancelled' | 'skipped' | 'failed') {
    for (const step of job.steps) {
      if (finished(step.status)) continue;
      const neverStarted = step.startedAt === null;
      setStep(job, step, {
        status: endStatus(step.status, neverStarted, status),
        finishedAt: neverStarted ? null : now,
        // A step that never started has no log to archive.
        ...(neverStarted ? { logComplete: true } : {}),
      });
      if (!neverStarted) actions.push({ type: 'stepEnded', stepId: step.id });
    }
  }

  function finishJob(job: JobRunRow, status: 'succeeded' | 'failed', message: string | null, retry = true) {
    setJob(job, { status, message, finishedAt: now });
    const planned = plannedOf(job);
    if (status !== 'failed' || !retry || !planned || job.attempt > planned.retries || run.cancelRequested) {
      return;
    }
    const attempt = structuredClone(job);
    Object.assign(attempt, {
      id: input.newId(),
      attempt: job.attempt + 1,
      status: 'pending',
      message: `retry ${job.attempt} of ${planned.retries}`,
      executor: null,
      externalName: null,
      clusterId: null,
      namespace: null,
      releasedAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      decisions: [],
    } satisfies Partial<JobRunRow>);
    attempt.steps = job.steps.map((step) => ({
      ...step,
      id: input.newId(),
      jobRunId: attempt.id,
      status: 'pending',
      exitCode: null,
      result: null,
      startedAt: null,
      finishedAt: null,
      logBytes: 0n,
      logLines: 0,
      logComplete: false,
      logError: null,
    }));
    newJobs.push(attempt);
    run.jobs.push(attempt);
    const { stage, name } = attempt;
    events.push({
      type: 'job',
      stage,
      name,
      attempt: attempt.attempt,
      status: 'pending',
      message: attempt.message,
    });
  }

  function observe(job: JobRunRow) {
    const observed = input.observed.get(job.id);
    if (!observed) return;
    if (observed.state === 'gone') {
      endSteps(job, 'failed');
      // What was not archived of its logs is gone with it.
      for (const step of job.steps) {
        if (!step.logComplete)
          setStep(job, step, { logComplete: true, logError: observed.message.slice(0, 500) });
      }
      finishJob(job, 'failed', observed.message, false);
      return;
    }
    const planned = plannedOf(job);
    if (observed.state === 'missing') {
      // Marked running, but the executor has nothing: the start was lost in a crash. Start
      // it again (same name: a start that did get through is adopted).
      if (planned) actions.push({ type: 'start', job, planned });
      return;
    }
    for (const [index, step] of job.steps.entries()) {
      const seen = observed.steps[index];
      if (!seen) continue;
      if (seen.status !== step.status || (seen.result && seen.result !== step.result)) {
        setStep(job, step, {
          status: seen.status,
          exitCode: seen.exitCode ?? null,
          result: seen.result ?? null,
          startedAt: seen.startedAt ?? step.startedAt,
          finishedAt: seen.finishedAt ?? (finished(seen.status) ? now : null),
          ...(seen.status === 'skipped' ? { logComplete: true } : {}),
        });
        if (step.name === CHECKOUT_STEP && seen.result && !run.commitSha) {
          setRun({ commitSha: seen.result.slice(0, 64) });
        }
      }
      if (finished(seen.status)) actions.push({ type: 'stepEnded', stepId: step.id });
    }
    const timeout = planned?.timeoutSeconds;
    if (observed.state === 'running' && timeout && job.startedAt) {
      const left = job.startedAt.getTime() + timeout * 1000 - now.getTime();
      if (left < 0) {
        actions.push({ type: 'stop', job });
        endSteps(job, 'failed');
        finishJob(job, 'failed', `timed out after ${timeout}s`);
        return;
      }
      requeue(left + 1);
    }
    if (observed.state === 'succeeded') finishJob(job, 'succeeded', null);
    if (observed.state === 'failed') {
      endSteps(job, 'skipped');
      finishJob(job, 'failed', observed.message ?? 'failed');
    }
  }

  function decideGate(job: JobRunRow) {
    const rejected = job.decisions.find((d) => d.decision === 'reject');
    const approvals = job.decisions.filter((d) => d.decision === 'approve').length;
    if (rejected) {
      setJob(job, {
        status: 'rejected',
        message: `rejected by ${rejected.userName}${rejected.comment ? `: ${rejected.comment}` : ''}`,
        finishedAt: now,
      });
    } else if (approvals >= (plannedOf(job)?.approval?.count ?? 1)) {
      setJob(job, {
        status: 'succeeded',
        message: `approved by ${job.decisions.map((d) => d.userName).join(', ')}`,
        finishedAt: now,
      });
    }
  }

  function startJob(job: JobRunRow) {
    const planned = plannedOf(job);
    if (!planned) return;
    // Recorded first: after a crash the next reconcile finds it marked and adopts or re-starts it.
    setJob(job, {
      status: 'running',
      // A deploy job is executed by the engine itself (modules/releases), in the environment.
      executor: job.kind === 'deploy' ? 'deploy' : target.executor,
      externalName: externalNameOf(run.id, job.stage, job.name, job.attempt),
      clusterId: target.clusterId,
      namespace: target.namespace,
      startedAt: now,
    });
    actions.push({ type: 'start', job, planned });
  }

  function fail(message: string) {
    for (const job of latestAttempts(run.jobs)) {
      if (finished(job.status)) continue;
      const running = job.status === 'running';
      if (running && job.executor) actions.push({ type: 'stop', job });
      const cause = input.failedJobIds?.has(job.id) ?? false;
      endSteps(job, running ? 'failed' : 'skipped');
      setJob(job, {
        status: running || cause ? 'failed' : 'skipped',
        finishedAt: now,
        ...(cause ? { message: message.slice(0, 2000) } : {}),
      });
    }
    setRun({ status: 'failed', message: message.slice(0, 2000), finishedAt: now });
  }

  /**
   * Opens the stages in order from the first with unfinished work: an approval gate waits,
   * a job starts, a manual job turns `manual` and holds nothing back, so a stage of only
   * manual (or skipped) jobs is passed at once. Played manual jobs start wherever the run is.
   */
  function openStages(jobs: JobRunRow[]) {
    const holding = () =>
      jobs.filter((j) => !finished(j.status) && j.status !== 'manual' && j.playedAt === null);
    let stageIndex: number | undefined;
    for (;;) {
      const next = holding();
      if (next.length === 0) break;
      const current = Math.min(...next.map((j) => j.stageIndex));
      if (current === stageIndex) break;
      stageIndex = current;
      for (const job of next.filter((j) => j.stageIndex === current && j.status === 'pending')) {
        if (job.kind === 'approval') setJob(job, { status: 'waiting', startedAt: now });
        else if (plannedOf(job)?.manual) setJob(job, { status: 'manual' });
        else startJob(job);
      }
    }
    for (const job of jobs.filter(playedAndPending)) startJob(job);
  }

  function advance() {
    if (input.failWith !== undefined) return fail(input.failWith);
    if (run.status === 'queued') setRun({ status: 'running', startedAt: now });
    // A manual job played after the run ended: the run is back until that job ends.
    if (finished(run.status)) setRun({ status: 'running', finishedAt: null });
    if (run.cancelRequested) {
      for (const job of latestAttempts(run.jobs)) {
        if (finished(job.status)) continue;
        if (job.status === 'running' && job.executor) actions.push({ type: 'stop', job });
        endSteps(job, 'cancelled');
        setJob(job, { status: 'cancelled', finishedAt: now });
      }
      setRun({ status: 'cancelled', finishedAt: now });
      return;
    }
    for (const job of latestAttempts(run.jobs)) {
      if (job.status === 'running' && job.kind !== 'approval') observe(job);
      if (job.status === 'waiting' && job.kind === 'approval') decideGate(job);
    }
    const jobs = latestAttempts(run.jobs);
    // A rejected gate ends the run as `rejected` (its message says by whom and why).
    const failed = jobs.find((j) => j.status === 'failed' || j.status === 'rejected');
    if (failed) {
      // A manual job can no longer be played once the run has failed.
      for (const job of jobs.filter((j) => j.status === 'pending' || j.status === 'manual')) {
        endSteps(job, 'skipped');
        setJob(job, { status: 'skipped' });
      }
      if (!jobs.some((j) => j.status === 'running' || j.status === 'waiting')) {
        setRun({
          status: failed.status === 'rejected' ? 'rejected' : 'failed',
          finishedAt: now,
          message: `${failed.stage} / ${failed.name}: ${failed.message ?? 'failed'}`,
        });
      }
      return;
    }
    openStages(jobs);
    // An unplayed manual job does not keep the run open, nor fail it.
    if (jobs.every((j) => finished(j.status) || j.status === 'manual')) {
      setRun({ status: 'succeeded', finishedAt: now });
      return;
    }
    const status = jobs.some((j) => j.status === 'running')
      ? 'running'
      : jobs.some((j) => j.status === 'waiting')
        ? 'waiting'
        : 'running';
    if (run.status !== status) setRun({ status });
    if (input.pollMs !== undefined && jobs.some((j) => j.status === 'running' && j.kind === 'job')) {
      requeue(input.pollMs);
    }
  }

  if (!finished(run.status) || reopensForPlayedJob(run)) advance();
  // Secret values are kept until every log of the ended run is archived (a log archived
  // later is masked with them too) and no manual job is left to play (it runs with them);
  // then they go.
  if (finished(run.status) && run.secretValues !== null && logsSettled(run) && !hasPlayableJob(run)) {
    setRun({ secretValues: null });
  }
  // Finished jobs whose logs are all archived: their executor may clean up now.
  for (const job of run.jobs) {
    if (!finished(job.status) || !job.executor || job.releasedAt || job.reusedFrom !== null) continue;
    if (job.steps.every((step) => step.logComplete)) actions.push({ type: 'release', job });
  }

  return {
    run: Object.keys(runChange).length > 0 ? runChange : null,
    jobs: [...jobChanges].map(([id, change]) => ({ id, change })),
    steps: [...stepChanges].map(([id, change]) => ({ id, change })),
    newJobs,
    events,
    actions,
    next: run,
    requeueAfterMs,
  };
}

/**
 * The changes that end a run which cannot go on (see `TransitionInput.failWith`); the jobs
 * of `failedJobIds` (the ones that could not go on) end `failed` with the message.
 */
export function terminate(
  run: RunWithJobs,
  message: string,
  now: Date,
  failedJobIds: ReadonlySet<string> = new Set(),
): Transition {
  return transition({
    failedJobIds,
    run,
    plan: [],
    observed: new Map(),
    target: { executor: 'local', clusterId: null, namespace: 'default' },
    now,
    newId: () => {
      throw new Error('a failing run gets no new attempt');
    },
    failWith: message,
  });
}

import { FINISHED_STATUSES } from '@slipway/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { JobRunRow, RunsRepo, StepRunRow } from '../runs.repo.ts';
import type { Executor, JobRef } from './executor.ts';
import { pumpLog } from './log-pump.ts';

/**
 * Writes of one step's log that may fail in a row before its archive is given up. The
 * engine only gets this far while the database answers, so a write failing again and
 * again is the data (PostgreSQL refusing it), which no retry changes.
 */
export const MAX_STORAGE_ATTEMPTS = 3;

/** A batch of chunks the database did not take (as opposed to a log stream that broke). */
class LogStorageError extends Error {
  constructor(
    readonly line: number,
    cause: unknown,
  ) {
    super(`archiving the log failed at line ${line}`, { cause });
  }
}

/** A run whose steps' logs are to be archived, with what masking them needs. */
export interface ArchiveTarget {
  runId: string;
  jobs: readonly JobRunRow[];
  /** The executor the job was dispatched to (jobs of one run may be on different ones). */
  executorOf: (job: JobRunRow) => Executor;
  refOf: (job: JobRunRow) => JobRef;
  /** Every value that must not reach a log (see `secretsOfRun`). */
  secrets: readonly string[];
}

/**
 * Reads the logs of started steps into `log_chunks`, one pump per step, writing batches of
 * chunks (see `pumpLog`) and telling the step's viewers after each. A pump whose
 * stream breaks resumes at the next look from the bytes archived; one whose batches the
 * database refuses MAX_STORAGE_ATTEMPTS times in a row ends the step's archive: the step
 * gets a `logError` (and a `step` event saying so), a warning is logged once, and the run
 * goes on to its end.
 */
export function createLogArchiver(deps: {
  runs: RunsRepo;
  logger?: FastifyBaseLogger | undefined;
  notify: (runId: string) => void;
  /**
   * A step's pump ended: its log is settled (archived whole, or given up), or its stream
   * broke and it resumes at the engine's next look, which this asks for.
   */
  onPumpEnded?: (runId: string) => void;
  /** Bytes of output (before masking) just written to the archive (metrics). */
  onArchived?: (bytes: number) => void;
}) {
  const { runs } = deps;
  const pumps = new Map<string, Promise<void>>();
  const ended = new Set<string>();
  const storageFailures = new Map<string, number>();
  let aborts = new AbortController();

  async function archiveStep(target: ArchiveTarget, job: JobRunRow, step: StepRunRow) {
    const state = await runs.logState(step.id);
    const stream = await target
      .executorOf(job)
      .openLog(target.refOf(job), step.index, state.bytes, () => ended.has(step.id));
    if (!stream) return;
    const { complete } = await pumpLog({
      stream,
      nextSeq: state.nextSeq,
      nextLine: state.lines + 1,
      secrets: target.secrets,
      signal: aborts.signal,
      isEnd: () => ended.has(step.id),
      write: async (chunks) => {
        try {
          await runs.appendLog({ id: step.id, runId: target.runId }, chunks);
        } catch (error) {
          throw new LogStorageError(chunks[0]?.firstLine ?? state.lines + 1, error);
        }
        storageFailures.delete(step.id);
        deps.onArchived?.(chunks.reduce((sum, chunk) => sum + chunk.bytes, 0));
        deps.notify(target.runId);
      },
    });
    if (complete) {
      await runs.completeLog(step.id);
      await runs.dropSecretsIfSettled(target.runId);
      ended.delete(step.id);
    }
  }

  async function giveUp(target: ArchiveTarget, job: JobRunRow, step: StepRunRow, error: LogStorageError) {
    const logError = `${error.message} (the database refused it); the lines before it are kept`;
    deps.logger?.warn(
      { err: error.cause, run: target.runId, step: step.id },
      `${logError}: giving up on the log of ${job.stage}/${job.name}/${step.name}`,
    );
    await runs.failLog(target.runId, job, step.id, logError);
    await runs.dropSecretsIfSettled(target.runId);
    storageFailures.delete(step.id);
    ended.delete(step.id);
    deps.notify(target.runId);
  }

  async function failed(target: ArchiveTarget, job: JobRunRow, step: StepRunRow, error: unknown) {
    if (!(error instanceof LogStorageError)) {
      deps.logger?.warn({ err: error, step: step.id }, 'log archiving stopped; will resume');
      return;
    }
    const attempts = (storageFailures.get(step.id) ?? 0) + 1;
    storageFailures.set(step.id, attempts);
    if (attempts < MAX_STORAGE_ATTEMPTS) {
      deps.logger?.debug({ err: error.cause, step: step.id, attempts }, 'a log chunk was refused; retrying');
      return;
    }
    await giveUp(target, job, step, error);
  }

  return {
    /** The step has ended: its log stream ends once read to the end. */
    stepEnded(stepId: string) {
      ended.add(stepId);
    },

    /** Starts a pump for every started step of the run whose log is not archived yet. */
    ensure(target: ArchiveTarget) {
      for (const job of target.jobs) {
        if (!job.executor || job.reusedFrom !== null) continue;
        for (const step of job.steps) {
          if (step.logComplete || step.status === 'pending' || pumps.has(step.id)) continue;
          if (FINISHED_STATUSES.includes(step.status)) ended.add(step.id);
          const pump = archiveStep(target, job, step)
            .catch((error: unknown) => failed(target, job, step, error))
            .catch((error: unknown) =>
              deps.logger?.warn({ err: error, step: step.id }, 'could not record a log archive error'),
            )
            .finally(() => {
              pumps.delete(step.id);
              deps.onPumpEnded?.(target.runId);
            });
          pumps.set(step.id, pump);
        }
      }
    },

    start() {
      aborts = new AbortController();
    },

    /** Stops every pump (what they read so far is archived). */
    async stop() {
      aborts.abort();
      await Promise.allSettled([...pumps.values()]);
    },
  };
}

export type LogArchiver = ReturnType<typeof createLogArchiver>;

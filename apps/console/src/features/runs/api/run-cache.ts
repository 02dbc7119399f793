import { type Run, type RunEvent, type RunEventOf, RunEventSchema } from '@slipway/contracts';

/** Lines of a step's log as the run's event stream sends them (the contract's `log` event). */
export type LiveLogLines = RunEventOf<'log'>;

/**
 * One frame of the run's event stream (its `event:` name and `data:`), checked against the
 * contract's RunEventSchema. Undefined, with a console warning, for a frame that is not
 * JSON, does not match the schema or whose data names another type than the frame: the
 * page ignores it rather than break on it.
 */
export function parseStreamMessage(type: string, data: string): RunEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    console.warn(`run event stream: ignored a "${type}" frame that is not JSON`, data);
    return undefined;
  }
  const parsed = RunEventSchema.safeParse(json);
  if (!parsed.success) {
    console.warn(
      `run event stream: ignored a "${type}" frame the contract does not know`,
      parsed.error.issues,
    );
    return undefined;
  }
  if (parsed.data.type !== type) {
    console.warn(`run event stream: ignored a "${type}" frame holding a "${parsed.data.type}" event`);
    return undefined;
  }
  return parsed.data;
}

/**
 * How far along a status is. A stream opened on a running run first replays its history,
 * so an older event must never move a status back (the refetch that follows brings the
 * timestamps; these patches only make the change show at once).
 */
function progress(status: string): number {
  // A manual job has not started: playing it makes it `pending` again.
  if (status === 'queued' || status === 'pending' || status === 'manual') return 0;
  if (status === 'running' || status === 'waiting') return 1;
  return 2;
}

const moves = (from: string, to: string) => progress(to) >= progress(from) && from !== to;

/** The run with one status event applied; the same object when nothing changes (and for `approval` and `log`). */
export function applyRunEvent(run: Run, event: RunEvent): Run {
  if (event.type === 'run') {
    return moves(run.status, event.status) ? { ...run, status: event.status } : run;
  }
  if (event.type === 'job') {
    let changed = false;
    const jobs = run.jobs.map((job) => {
      if (job.stage !== event.stage || job.name !== event.name) return job;
      if (event.attempt > job.attempt) {
        changed = true;
        // A new attempt of a job starts over: its steps have not run yet.
        return {
          ...job,
          attempt: event.attempt,
          status: event.status,
          message: event.message,
          startedAt: null,
          finishedAt: null,
          steps: job.steps.map((step) => ({
            ...step,
            status: 'pending' as const,
            exitCode: null,
            result: null,
            logLines: 0,
            logError: null,
            startedAt: null,
            finishedAt: null,
          })),
        };
      }
      if (event.attempt < job.attempt || !moves(job.status, event.status)) return job;
      changed = true;
      return { ...job, status: event.status, message: event.message ?? job.message };
    });
    return changed ? { ...run, jobs } : run;
  }
  if (event.type === 'step') {
    let changed = false;
    const jobs = run.jobs.map((job) => {
      if (job.stage !== event.stage || job.name !== event.job || job.attempt !== event.attempt) return job;
      const steps = job.steps.map((step) => {
        if (step.index !== event.index) return step;
        if (event.logError && event.logError !== step.logError) {
          changed = true;
          return { ...step, logError: event.logError };
        }
        if (!moves(step.status, event.status)) return step;
        changed = true;
        return { ...step, status: event.status, exitCode: event.exitCode ?? step.exitCode };
      });
      return { ...job, steps };
    });
    return changed ? { ...run, jobs } : run;
  }
  return run;
}

import { type Run, RunStatusSchema, WorkStatusSchema } from '@slipway/contracts';
import { z } from 'zod';

/** The `data` of each `event:` name of the run's event stream. */
const RunEventSchema = z.object({ status: RunStatusSchema });
const JobEventSchema = z.object({
  stage: z.string(),
  name: z.string(),
  attempt: z.number().int(),
  status: WorkStatusSchema,
  message: z.string().nullable().optional(),
});
const StepEventSchema = z.object({
  stage: z.string(),
  job: z.string(),
  attempt: z.number().int(),
  index: z.number().int(),
  status: WorkStatusSchema,
  exitCode: z.number().int().nullable().optional(),
  logError: z.string().optional(),
});
const LogEventSchema = z.object({
  stage: z.string(),
  job: z.string(),
  attempt: z.number().int(),
  step: z.number().int(),
  firstLine: z.number().int(),
  lines: z.array(z.string()),
});
export type LiveLogLines = z.infer<typeof LogEventSchema>;

export type RunStreamMessage =
  | { type: 'run'; data: z.infer<typeof RunEventSchema> }
  | { type: 'job'; data: z.infer<typeof JobEventSchema> }
  | { type: 'step'; data: z.infer<typeof StepEventSchema> }
  | { type: 'approval' }
  | { type: 'log'; data: LiveLogLines };

export const RUN_STREAM_EVENT_TYPES = ['run', 'job', 'step', 'approval', 'log'] as const;

/** One frame of the stream, checked; undefined for anything this console does not know. */
export function parseStreamMessage(type: string, data: string): RunStreamMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parse = <T>(schema: z.ZodType<T>) => {
    const result = schema.safeParse(json);
    return result.success ? result.data : undefined;
  };
  switch (type) {
    case 'run': {
      const parsed = parse(RunEventSchema);
      return parsed && { type, data: parsed };
    }
    case 'job': {
      const parsed = parse(JobEventSchema);
      return parsed && { type, data: parsed };
    }
    case 'step': {
      const parsed = parse(StepEventSchema);
      return parsed && { type, data: parsed };
    }
    case 'log': {
      const parsed = parse(LogEventSchema);
      return parsed && { type, data: parsed };
    }
    case 'approval':
      return { type };
    default:
      return undefined;
  }
}

/**
 * How far along a status is. A stream opened on a running run first replays its history,
 * so an older event must never move a status back (the refetch that follows brings the
 * timestamps; these patches only make the change show at once).
 */
function progress(status: string): number {
  if (status === 'queued' || status === 'pending') return 0;
  if (status === 'running' || status === 'waiting') return 1;
  return 2;
}

const moves = (from: string, to: string) => progress(to) >= progress(from) && from !== to;

/** The run with one status event applied; the same object when nothing changes. */
export function applyRunEvent(run: Run, message: RunStreamMessage): Run {
  if (message.type === 'run') {
    return moves(run.status, message.data.status) ? { ...run, status: message.data.status } : run;
  }
  if (message.type === 'job') {
    const event = message.data;
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
          message: event.message ?? null,
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
  if (message.type === 'step') {
    const event = message.data;
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

import { z } from 'zod';
import { RunStatusSchema, WorkStatusSchema } from './runs.ts';

/**
 * The run event stream as a contract: what the API stores in `run_events` and sends over
 * `GET …/runs/{number}/events` (Server-Sent Events), and what the console reads back.
 *
 * Every frame of the stream has the event's `type` as its SSE `event:` name and the whole
 * event (`type` included) as JSON in its `data:`; its `id:` is the stream cursor
 * (`<event id>-<log chunk id>`, see `Run.streamCursor`) to resume from with `Last-Event-ID`.
 * The stream's last frame is `event: end` (see {@link RUN_STREAM_END}), not a RunEvent.
 *
 * Stored events keep `type` in its own column and the rest in `data` (JSONB): rows written
 * by every earlier version of the API must still parse, so a field older rows lack is
 * optional here (noted on each such field).
 */

/** Where a job attempt is: its stage, its name in that stage and which attempt (from 1). */
const jobAttempt = {
  /** The stage's name, as in the pipeline spec. */
  stage: z.string(),
  /** Which attempt of the job: 1 first, one more per retry (`retries:` in the spec). */
  attempt: z.number().int().min(1),
};

/** The run's status changed (`queued` when it is created, then as the engine moves it). */
export const RunStatusEventSchema = z.object({
  type: z.literal('run'),
  /** The run's new status. */
  status: RunStatusSchema,
});

/**
 * A job attempt's status changed, or a new attempt was created (`pending`, with the
 * message `retry N of M`) after the previous one failed.
 */
export const JobEventSchema = z.object({
  type: z.literal('job'),
  ...jobAttempt,
  /** The job's name within its stage (an approval gate's name for a gate). */
  name: z.string(),
  /** The job attempt's new status. */
  status: WorkStatusSchema,
  /** Why it is in that status (a failure's reason, who approved a gate, `retry 1 of 2`); null if nothing. */
  message: z.string().nullable(),
});

/** A step's status changed, or archiving its log stopped for good (`logError` set). */
export const StepEventSchema = z.object({
  type: z.literal('step'),
  ...jobAttempt,
  /** The name of the step's job within its stage. */
  job: z.string(),
  /** The step's position in its job, from 0. */
  index: z.number().int().min(0),
  /** The step's name, as in the spec. */
  name: z.string(),
  /** The step's status (unchanged when only `logError` is news). */
  status: WorkStatusSchema,
  /** The step's exit code once it ended by itself; null before that or when it never ran. */
  exitCode: z.number().int().nullable(),
  /**
   * Why archiving the step's log stopped early (a storage error); absent when it did not.
   * Absent from every event written before log errors were recorded.
   */
  logError: z.string().optional(),
});

/**
 * Someone decided on an approval gate. The gate's own status follows as a `job` event once
 * the engine counts the decisions (the gate's approval count and who may decide apply).
 */
export const ApprovalEventSchema = z.object({
  type: z.literal('approval'),
  /** The gate's name (a job of kind `approval`), as in the decision endpoint's path. */
  gate: z.string(),
  /** The username of who decided. */
  user: z.string(),
  /** What they decided. */
  decision: z.enum(['approve', 'reject']),
});

/**
 * Lines of a step's log as they are archived (never stored as an event: the stream builds
 * it from each archived log chunk). Lines are numbered from 0 across the step's whole log;
 * secrets are already masked and bytes that are not UTF-8 shown as `\xHH`.
 */
export const LogEventSchema = z.object({
  type: z.literal('log'),
  ...jobAttempt,
  /** The name of the step's job within its stage. */
  job: z.string(),
  /** The step's position in its job, from 0. */
  step: z.number().int().min(0),
  /** The number of the first line in `lines` within the step's log, from 0. */
  firstLine: z.number().int().min(0),
  /** The lines, without their line ends. */
  lines: z.array(z.string()),
});

/** One event of a run's event stream: a discriminated union on `type`. */
export const RunEventSchema = z.discriminatedUnion('type', [
  RunStatusEventSchema,
  JobEventSchema,
  StepEventSchema,
  ApprovalEventSchema,
  LogEventSchema,
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
/** An event of one type, e.g. `RunEventOf<'log'>`. */
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
/** The events stored in `run_events` (log lines live in the log archive instead). */
export type StoredRunEvent = Exclude<RunEvent, { type: 'log' }>;

/** Every `event:` name a RunEvent is sent under (the stream also ends with {@link RUN_STREAM_END}). */
export const RUN_EVENT_TYPES = [
  'run',
  'job',
  'step',
  'approval',
  'log',
] as const satisfies readonly RunEventType[];

/**
 * The `event:` name of the stream's last frame (`data: {}`): the run has ended and every
 * log line was sent. A client stops reconnecting when it sees it.
 */
export const RUN_STREAM_END = 'end';

/**
 * A stored event back into its RunEvent form (not checked): its `type` column joined with
 * its `data` (JSONB). The column wins over a `type` key in the data.
 */
export function storedRunEvent(type: string, data: unknown): unknown {
  return { ...(typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}), type };
}

import { z } from 'zod';
import { INT4_MAX, PageQuerySchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { PipelineParamsSchema } from './pipelines.ts';

/** `rejected`: an approval gate was rejected (the run's message says by whom and why). */
export const RUN_STATUSES = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/**
 * Jobs and steps also end up `skipped` (a `when` that did not hold) or stay `pending`; an
 * approval gate someone rejected is `rejected`. A manual job (`manual: true`) the run has
 * reached is `manual` until someone plays it (then `pending`, and on like any job): it
 * holds nothing back and is neither active nor finished (a run may end with it unplayed).
 */
export const WORK_STATUSES = [
  'pending',
  'running',
  'waiting',
  'manual',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'skipped',
] as const;
export const WorkStatusSchema = z.enum(WORK_STATUSES);
export type WorkStatus = z.infer<typeof WorkStatusSchema>;

/** A run in one of these still has work to do. */
export const ACTIVE_RUN_STATUSES: readonly string[] = ['queued', 'running', 'waiting'];

/** Terminal statuses: nothing changes after these. */
export const FINISHED_STATUSES: readonly string[] = [
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'skipped',
];

const ParameterValueSchema = z.union([z.string().max(4096), z.number(), z.boolean()]);

export const CreateRunBodySchema = z.strictObject({
  releaseType: z.string().min(1).max(63).describe('One of the pipeline’s release types'),
  environment: SlugSchema.describe('The environment to run in (its cluster, or the local executor)'),
  parameters: z
    .record(z.string().max(63), ParameterValueSchema)
    .default({})
    .describe('Values for the parameters this release type asks for'),
  ref: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe(
      'Branch to build (`main` or `refs/heads/main`; default: the project’s branch), or a tag as `refs/tags/<name>`',
    ),
});
export type CreateRunBody = z.input<typeof CreateRunBodySchema>;

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): a repeat of a request
 * with the same key and the same body gets the first request's result; the same key with
 * a different body is refused with 422.
 */
export const IdempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, '1–255 visible ASCII characters')
    .optional()
    .describe('Any unique value per intended request; a repeat with the same body returns the same result'),
});
/** What a 422 for a reused Idempotency-Key means, as documented. */
export const IDEMPOTENCY_KEY_REUSED =
  'The Idempotency-Key was already used for a different request (another body, pipeline or caller)';

export const StepRunSchema = z.object({
  index: z.number().int(),
  name: z.string(),
  status: WorkStatusSchema,
  exitCode: z.number().int().nullable(),
  /** What the step reported: the commit checked out, the digest of the image pushed. */
  result: z.string().nullable(),
  logLines: z.number().int(),
  /** Why archiving the step's log stopped early (a storage error): the log holds what came before. */
  logError: z.string().nullable(),
  startedAt: TimestampSchema.nullable(),
  finishedAt: TimestampSchema.nullable(),
});

export const ApprovalDecisionSchema = z.object({
  user: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().nullable(),
  createdAt: TimestampSchema,
});

export const JobRunSchema = z.object({
  name: z.string(),
  stage: z.string(),
  stageIndex: z.number().int(),
  /** `job`: steps in a container; `approval`: a gate; `deploy`: a deploy step, executed by the engine (one step row). */
  kind: z.enum(['job', 'approval', 'deploy']),
  status: WorkStatusSchema,
  attempt: z.number().int(),
  /** Where it ran: `kubernetes`, `local`, or `deploy` (a deploy job, executed by the engine; see modules/releases). */
  executor: z.enum(['kubernetes', 'local', 'deploy']).nullable(),
  /** Set when a retry re-used this job's result from an earlier run (its logs stay there). */
  reusedFrom: z.number().int().nullable(),
  message: z.string().nullable(),
  startedAt: TimestampSchema.nullable(),
  finishedAt: TimestampSchema.nullable(),
  steps: z.array(StepRunSchema),
  /** For deploy jobs: the number of the release this attempt made (null until it starts). */
  release: z.number().int().nullable(),
  /** For approval gates: who may decide, how many approvals are needed, who decided. */
  approval: z
    .object({
      role: z.string(),
      count: z.number().int(),
      allowSelfApproval: z.boolean(),
      decisions: z.array(ApprovalDecisionSchema),
      /**
       * For a waiting gate read by one user: whether they may decide it now and, if not,
       * why — computed by the same rule the decision endpoint applies. Null otherwise.
       */
      caller: z.object({ mayDecide: z.boolean(), reason: z.string().nullable() }).nullable(),
    })
    .nullable(),
  /**
   * For manual jobs (`manual: true` in the spec; null for others): who played it and when
   * (null until someone does) and, for a `manual` job read by one user, whether they may
   * play it now and, if not, why — the rule the play endpoint applies. Null otherwise.
   */
  manual: z
    .object({
      playedBy: z.string().nullable(),
      playedAt: TimestampSchema.nullable(),
      caller: z.object({ mayPlay: z.boolean(), reason: z.string().nullable() }).nullable(),
    })
    .nullable(),
});
export type JobRun = z.infer<typeof JobRunSchema>;

export const RunSummarySchema = z.object({
  number: z.number().int(),
  pipeline: z.string(),
  revision: z.number().int(),
  status: RunStatusSchema,
  releaseType: z.string(),
  environment: z.string(),
  ref: z.string(),
  commit: z.string().nullable(),
  trigger: z.enum(['manual', 'webhook', 'retry', 'schedule']),
  triggeredBy: z.string(),
  retryOf: z.number().int().nullable(),
  message: z.string().nullable(),
  createdAt: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  finishedAt: TimestampSchema.nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunSchema = RunSummarySchema.extend({
  /** Parameter values; secret ones are shown as "***". */
  parameters: z.record(z.string(), z.unknown()),
  /** The expanded spec that ran. */
  spec: z.string(),
  jobs: z.array(JobRunSchema),
  /**
   * Where the run's event stream stood when this was read: pass it as `after` to the
   * events endpoint to get only what happens from now on.
   */
  streamCursor: z.string(),
});
export type Run = z.infer<typeof RunSchema>;

export const RunParamsSchema = PipelineParamsSchema.extend({
  number: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();

export const GateParamsSchema = RunParamsSchema.extend({ gate: z.string().min(1).max(63) }).strict();

export const RunEventsQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,19}-\d{1,19}$/, { message: 'after must be a streamCursor of this run' })
    .optional()
    .describe('Start after this point (a run’s streamCursor); Last-Event-ID takes precedence'),
});

export const JobParamsSchema = RunParamsSchema.extend({
  job: z
    .string()
    .min(1)
    .max(127)
    .describe('The job’s name, or `<stage>.<job>` when two stages have a job of that name'),
}).strict();

/** Playing a manual job takes no options; an empty object (or no body) is accepted. */
export const PlayJobBodySchema = z.strictObject({}).nullish();

export const StepLogParamsSchema = RunParamsSchema.extend({
  job: z.string().min(1).max(63),
  step: z.string().min(1).max(63),
}).strict();

export const ListRunsQuerySchema = PageQuerySchema.extend({
  status: RunStatusSchema.optional(),
  releaseType: z.string().max(63).optional(),
  environment: SlugSchema.optional(),
  triggeredBy: z.string().max(120).optional(),
}).strict();

export const RetryRunBodySchema = z.strictObject({
  fromStage: z
    .string()
    .min(1)
    .max(63)
    .optional()
    .describe('Re-run from this stage, re-using what earlier stages produced (default: the whole run)'),
  revision: z
    .enum(['same', 'latest'])
    .default('same')
    .describe(
      'same: the revision the run ran (default); latest: the pipeline’s current revision, with the same release type, environment, parameters and ref (the whole run; not with fromStage)',
    ),
});

/** A decision on a gate; a rejection must say why (`comment`, not blank). */
export const DecideApprovalBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2000).optional().describe('Why; required when rejecting'),
  })
  .superRefine((body, ctx) => {
    if (body.decision === 'reject' && !body.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'a rejection needs a reason' });
    }
  });

export const StepLogQuerySchema = z.strictObject({
  /** First line to return, 1-based. */
  from: z.coerce.number().int().min(1).max(INT4_MAX).default(1),
  /** How many lines at most (the whole remaining log when `download` is set). */
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Only lines containing this text (case-insensitive), with their line numbers. */
  search: z.string().min(1).max(200).optional(),
  download: z.enum(['true', 'false']).optional(),
});

export const StepLogPageSchema = z.object({
  lines: z.array(z.object({ number: z.number().int(), text: z.string() })),
  /** Total lines archived so far. */
  totalLines: z.number().int(),
  /** Whether the step has finished (no more lines will come). */
  complete: z.boolean(),
});

const base = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/runs';
const tag = 'runs';

export const runEndpoints = {
  create: defineEndpoint({
    operationId: 'createRun',
    auditedFields: ['releaseType', 'environment', 'ref'],
    method: 'POST',
    path: base,
    summary:
      'Run the pipeline with a release type, an environment and that release type’s parameters (Idempotency-Key header: a repeat with the same body returns the same run)',
    tag,
    params: PipelineParamsSchema,
    body: CreateRunBodySchema,
    headers: IdempotencyHeadersSchema,
    errors: { 422: IDEMPOTENCY_KEY_REUSED },
    successStatus: 201,
    response: RunSchema,
  }),
  list: defineEndpoint({
    operationId: 'listRuns',
    method: 'GET',
    path: base,
    summary: 'The pipeline’s runs, newest first, filtered by status, release type, environment or who',
    tag,
    params: PipelineParamsSchema,
    query: ListRunsQuerySchema,
    response: pageOf(RunSummarySchema),
  }),
  get: defineEndpoint({
    operationId: 'getRun',
    method: 'GET',
    path: `${base}/{number}`,
    summary: 'One run with its jobs and steps',
    tag,
    params: RunParamsSchema,
    response: RunSchema,
  }),
  cancel: defineEndpoint({
    operationId: 'cancelRun',
    method: 'POST',
    path: `${base}/{number}/cancel`,
    summary: 'Cancel a run: its Jobs and processes are stopped, remaining work is cancelled',
    tag,
    params: RunParamsSchema,
    response: RunSchema,
  }),
  retry: defineEndpoint({
    operationId: 'retryRun',
    auditedFields: ['fromStage', 'revision'],
    method: 'POST',
    path: `${base}/{number}/retry`,
    summary:
      'Start a new run with the same values on the same revision (whole or from a stage) or on the pipeline’s current revision',
    tag,
    params: RunParamsSchema,
    body: RetryRunBodySchema,
    successStatus: 201,
    response: RunSchema,
  }),
  decide: defineEndpoint({
    operationId: 'decideApproval',
    auditedFields: ['decision', 'comment'],
    method: 'POST',
    path: `${base}/{number}/approvals/{gate}`,
    summary: 'Approve or reject an approval gate (its role, count and self-approval rule apply)',
    tag,
    params: GateParamsSchema,
    body: DecideApprovalBodySchema,
    response: RunSchema,
  }),
  play: defineEndpoint({
    operationId: 'playJob',
    method: 'POST',
    path: `${base}/{number}/jobs/{job}/play`,
    summary:
      'Start a manual job the run is holding (status `manual`), also after the run ended: whoever may run in the run’s environment; 409 when the job is not `manual`',
    tag,
    params: JobParamsSchema,
    body: PlayJobBodySchema,
    response: RunSchema,
  }),
  events: defineEndpoint({
    operationId: 'streamRunEvents',
    method: 'GET',
    path: `${base}/{number}/events`,
    summary: 'Server-Sent Events: status changes and log lines (resumable with Last-Event-ID)',
    tag,
    params: RunParamsSchema,
    query: RunEventsQuerySchema,
    response: z
      .string()
      .describe(
        'text/event-stream: each frame is `id: <cursor>`, `event: <type>`, `data: <RunEvent as JSON>` (RunEventSchema: run, job, step, approval, log); the last is `event: end`',
      ),
  }),
  stepLog: defineEndpoint({
    operationId: 'getStepLog',
    method: 'GET',
    path: `${base}/{number}/jobs/{job}/steps/{step}/log`,
    summary: 'A step’s archived log: a range of lines, a server-side search, or the whole text (download)',
    tag,
    params: StepLogParamsSchema,
    query: StepLogQuerySchema,
    response: StepLogPageSchema,
  }),
};

import { z } from 'zod';
import { SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { PipelineParamsSchema } from './pipelines.ts';
import { CreateRunBodySchema } from './runs.ts';

/** How many upcoming fire times a schedule shows (`nextRuns`). */
export const SCHEDULE_NEXT_RUNS = 5;

const ParameterValueSchema = z.union([z.string().max(4096), z.number(), z.boolean()]);

export const ScheduleSchema = z.object({
  id: z.uuid(),
  pipeline: z.string(),
  /** Five fields (minute … weekday) or six with seconds first; see the README's "Schedules". */
  cron: z.string(),
  /** An IANA time zone (`Europe/Berlin`, `UTC`): the cron's wall-clock times are read in it. */
  timezone: z.string(),
  releaseType: z.string(),
  environment: z.string(),
  parameters: z.record(z.string(), ParameterValueSchema),
  /** The branch or `refs/tags/<name>` to build; null: the project's branch. */
  ref: z.string().nullable(),
  enabled: z.boolean(),
  /** Runs start as this user (the last one to save the schedule), with their permissions at fire time. */
  runsAs: z.string(),
  /** The next fire times (up to five, ISO 8601 UTC); empty when disabled or the cron never fires again. */
  nextRuns: z.array(TimestampSchema),
  /** The tick the scheduler fires next (null when disabled). */
  nextRunAt: TimestampSchema.nullable(),
  /** The last tick that fired (a run or an error). */
  lastFiredAt: TimestampSchema.nullable(),
  /** The run the last tick started. */
  lastRun: z.object({ number: z.number().int() }).nullable(),
  /** Why the last tick started no run (environment deleted, spec invalid…); null after a run starts. */
  lastError: z.string().nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const scheduleFields = {
  cron: z
    .string()
    .trim()
    .min(1, 'a cron expression is required')
    .max(120)
    .describe('`minute hour day-of-month month day-of-week`, or six fields with seconds first'),
  timezone: z.string().trim().min(1).max(64).describe('An IANA time zone, e.g. `Europe/Berlin` or `UTC`'),
  releaseType: CreateRunBodySchema.shape.releaseType,
  environment: SlugSchema.describe('The environment to run in'),
  parameters: z
    .record(z.string().max(63), ParameterValueSchema)
    .describe('Values for the parameters this release type asks for'),
  ref: CreateRunBodySchema.shape.ref,
  enabled: z.boolean(),
};

export const CreateScheduleBodySchema = z.strictObject({
  ...scheduleFields,
  parameters: scheduleFields.parameters.default({}),
  enabled: scheduleFields.enabled.default(true),
});
export type CreateScheduleBody = z.input<typeof CreateScheduleBodySchema>;

export const UpdateScheduleBodySchema = z.strictObject({
  cron: scheduleFields.cron.optional(),
  timezone: scheduleFields.timezone.optional(),
  releaseType: scheduleFields.releaseType.optional(),
  environment: scheduleFields.environment.optional(),
  parameters: scheduleFields.parameters.optional(),
  ref: scheduleFields.ref.nullable(),
  enabled: scheduleFields.enabled.optional(),
});
export type UpdateScheduleBody = z.input<typeof UpdateScheduleBodySchema>;

export const ScheduleParamsSchema = PipelineParamsSchema.extend({ id: z.uuid() }).strict();

const AUDITED = ['cron', 'timezone', 'releaseType', 'environment', 'ref', 'enabled'];
const base = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines/{pipeline}/schedules';
const tag = 'schedules';

export const scheduleEndpoints = {
  list: defineEndpoint({
    operationId: 'listSchedules',
    method: 'GET',
    path: base,
    summary: 'The pipeline’s schedules, each with its next five fire times',
    tag,
    params: PipelineParamsSchema,
    response: z.object({ items: z.array(ScheduleSchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createSchedule',
    auditedFields: AUDITED,
    method: 'POST',
    path: base,
    summary:
      'Run the pipeline on a cron schedule in a time zone (checked as a run would be; its runs start as you)',
    tag,
    params: PipelineParamsSchema,
    body: CreateScheduleBodySchema,
    successStatus: 201,
    response: ScheduleSchema,
  }),
  get: defineEndpoint({
    operationId: 'getSchedule',
    method: 'GET',
    path: `${base}/{id}`,
    summary: 'One schedule',
    tag,
    params: ScheduleParamsSchema,
    response: ScheduleSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateSchedule',
    auditedFields: AUDITED,
    method: 'PATCH',
    path: `${base}/{id}`,
    summary: 'Change a schedule or enable/disable it (its runs then start as you)',
    tag,
    params: ScheduleParamsSchema,
    body: UpdateScheduleBodySchema,
    response: ScheduleSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteSchedule',
    method: 'DELETE',
    path: `${base}/{id}`,
    summary: 'Delete a schedule (runs it started stay)',
    tag,
    params: ScheduleParamsSchema,
    response: null,
  }),
};

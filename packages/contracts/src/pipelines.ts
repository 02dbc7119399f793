import { z } from 'zod';
import { INT4_MAX, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { ProjectParamsSchema } from './projects.ts';

/** The spec as YAML text, stored byte for byte. */
const SpecTextSchema = z
  .string()
  .min(1, 'spec must not be empty')
  .max(512 * 1024, 'spec must be at most 512 KiB');

export const SpecErrorSchema = z.object({
  line: z.number().int(),
  column: z.number().int(),
  path: z.string(),
  message: z.string(),
});

export const PipelineSummarySchema = z.object({
  name: z.string(),
  revision: z.number().int(),
  updatedAt: TimestampSchema,
  updatedBy: z.string().nullable(),
});

export const PipelineSchema = PipelineSummarySchema.extend({
  spec: z.string(),
  /** The template the spec uses (`uses: name@version`), if any. */
  template: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  /** The full pipeline after expanding the template; null when the spec uses none. */
  expanded: z.string().nullable(),
  createdAt: TimestampSchema,
});
export type Pipeline = z.infer<typeof PipelineSchema>;

export const PipelineRevisionSchema = z.object({
  number: z.number().int(),
  spec: z.string(),
  message: z.string().nullable(),
  author: z.string().nullable(),
  createdAt: TimestampSchema,
});
export const PipelineRevisionSummarySchema = PipelineRevisionSchema.omit({ spec: true });

export const CreatePipelineBodySchema = z.strictObject({
  name: SlugSchema,
  spec: SpecTextSchema,
  message: z.string().max(500).optional(),
});
export const UpdatePipelineBodySchema = z.strictObject({
  spec: SpecTextSchema,
  /** The revision this edit started from; saving on top of a newer one is refused (409). */
  baseRevision: z.number().int().min(1).max(INT4_MAX),
  message: z.string().max(500).optional(),
});
/**
 * Restore an old revision: a NEW revision is saved whose spec is the old one's, on top of
 * `baseRevision` (409 when someone saved meanwhile, as for a save).
 */
export const RestoreRevisionBodySchema = z.strictObject({
  baseRevision: z.number().int().min(1).max(INT4_MAX),
  /** Default: "Restore revision N". */
  message: z.string().max(500).optional(),
});
export const ValidatePipelineBodySchema = z.strictObject({ spec: SpecTextSchema });
export const ValidationResultSchema = z.object({ valid: z.boolean(), errors: z.array(SpecErrorSchema) });

export const PipelineParamsSchema = z.strictObject({
  workspace: SlugSchema,
  project: SlugSchema,
  pipeline: SlugSchema,
});
export const RevisionParamsSchema = PipelineParamsSchema.extend({
  number: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();

const base = '/api/v1/workspaces/{workspace}/projects/{project}/pipelines';
const tag = 'pipelines';

export const pipelineEndpoints = {
  list: defineEndpoint({
    operationId: 'listPipelines',
    method: 'GET',
    path: base,
    summary: 'The project’s pipelines',
    tag,
    params: ProjectParamsSchema,
    response: z.object({ items: z.array(PipelineSummarySchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createPipeline',
    auditedFields: ['name', 'message'],
    method: 'POST',
    path: base,
    summary: 'Create a pipeline from a YAML spec (revision 1); an invalid spec gets 400 with every error',
    tag,
    params: ProjectParamsSchema,
    body: CreatePipelineBodySchema,
    successStatus: 201,
    response: PipelineSchema,
  }),
  validate: defineEndpoint({
    operationId: 'validatePipeline',
    readOnly: true,
    method: 'POST',
    path: `${base}/validate`,
    summary: 'Check a spec without saving: every error with line and column',
    tag,
    params: ProjectParamsSchema,
    body: ValidatePipelineBodySchema,
    response: ValidationResultSchema,
  }),
  get: defineEndpoint({
    operationId: 'getPipeline',
    method: 'GET',
    path: `${base}/{pipeline}`,
    summary: 'The pipeline with its current spec, exactly as saved',
    tag,
    params: PipelineParamsSchema,
    response: PipelineSchema,
  }),
  update: defineEndpoint({
    operationId: 'updatePipeline',
    auditedFields: ['baseRevision', 'message'],
    method: 'PUT',
    path: `${base}/{pipeline}`,
    summary: 'Save a new revision on top of baseRevision (409 when someone saved meanwhile)',
    tag,
    params: PipelineParamsSchema,
    body: UpdatePipelineBodySchema,
    response: PipelineSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deletePipeline',
    method: 'DELETE',
    path: `${base}/{pipeline}`,
    summary: 'Delete a pipeline and its revisions',
    tag,
    params: PipelineParamsSchema,
    response: null,
  }),
  revisions: defineEndpoint({
    operationId: 'listPipelineRevisions',
    method: 'GET',
    path: `${base}/{pipeline}/revisions`,
    summary: 'Every saved revision, newest first',
    tag,
    params: PipelineParamsSchema,
    response: z.object({ items: z.array(PipelineRevisionSummarySchema) }),
  }),
  revision: defineEndpoint({
    operationId: 'getPipelineRevision',
    method: 'GET',
    path: `${base}/{pipeline}/revisions/{number}`,
    summary: 'One revision’s spec, exactly as saved',
    tag,
    params: RevisionParamsSchema,
    response: PipelineRevisionSchema,
  }),
  restoreRevision: defineEndpoint({
    operationId: 'restorePipelineRevision',
    auditedFields: ['baseRevision', 'message'],
    method: 'POST',
    path: `${base}/{pipeline}/revisions/{number}/restore`,
    summary:
      'Save a new revision whose spec is revision {number}’s, on top of baseRevision (409 when someone saved meanwhile)',
    tag,
    params: RevisionParamsSchema,
    body: RestoreRevisionBodySchema,
    successStatus: 201,
    response: PipelineSchema,
  }),
  schema: defineEndpoint({
    operationId: 'getPipelineJsonSchema',
    method: 'GET',
    path: '/api/v1/schemas/pipeline.json',
    summary: 'The JSON Schema of pipeline specs (for editors)',
    tag,
    response: z.record(z.string(), z.unknown()),
  }),
};

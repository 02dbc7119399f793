import { z } from 'zod';
import { DescriptionSchema, INT4_MAX, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { WorkspaceParamsSchema } from './workspaces.ts';

const TemplateTextSchema = z
  .string()
  .min(1, 'spec must not be empty')
  .max(512 * 1024);

export const TemplateInputInfoSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  required: z.boolean().optional(),
});

export const TemplateSummarySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  latestVersion: z.number().int(),
  updatedAt: TimestampSchema,
});

export const TemplateSchema = TemplateSummarySchema.extend({
  inputs: z.array(TemplateInputInfoSchema),
  versions: z.array(
    z.object({ number: z.number().int(), author: z.string().nullable(), createdAt: TimestampSchema }),
  ),
  /** Which pipelines use which version: upgrading the template changes none of them. */
  usages: z.array(z.object({ project: z.string(), pipeline: z.string(), version: z.number().int() })),
});

export const TemplateVersionSchema = z.object({
  number: z.number().int(),
  spec: z.string(),
  inputs: z.array(TemplateInputInfoSchema),
  author: z.string().nullable(),
  createdAt: TimestampSchema,
});

export const CreateTemplateBodySchema = z.strictObject({
  name: SlugSchema,
  description: DescriptionSchema.optional(),
  spec: TemplateTextSchema,
});
export const PublishTemplateBodySchema = z.strictObject({ spec: TemplateTextSchema });
export const TemplateParamsSchema = z.strictObject({ workspace: SlugSchema, template: SlugSchema });
export const TemplateVersionParamsSchema = TemplateParamsSchema.extend({
  number: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();

const base = '/api/v1/workspaces/{workspace}/pipeline-templates';
const tag = 'pipeline-templates';

export const templateEndpoints = {
  list: defineEndpoint({
    operationId: 'listPipelineTemplates',
    method: 'GET',
    path: base,
    summary: 'The workspace’s pipeline templates',
    tag,
    params: WorkspaceParamsSchema,
    response: z.object({ items: z.array(TemplateSummarySchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createPipelineTemplate',
    auditedFields: ['name', 'description'],
    method: 'POST',
    path: base,
    summary: 'Create a template; its first version is 1',
    tag,
    params: WorkspaceParamsSchema,
    body: CreateTemplateBodySchema,
    successStatus: 201,
    response: TemplateSchema,
  }),
  get: defineEndpoint({
    operationId: 'getPipelineTemplate',
    method: 'GET',
    path: `${base}/{template}`,
    summary: 'A template: its versions, inputs and which pipelines use which version',
    tag,
    params: TemplateParamsSchema,
    response: TemplateSchema,
  }),
  publish: defineEndpoint({
    operationId: 'publishPipelineTemplateVersion',
    method: 'POST',
    path: `${base}/{template}/versions`,
    summary: 'Publish the next version; pipelines keep the version they name',
    tag,
    params: TemplateParamsSchema,
    body: PublishTemplateBodySchema,
    successStatus: 201,
    response: TemplateVersionSchema,
  }),
  version: defineEndpoint({
    operationId: 'getPipelineTemplateVersion',
    method: 'GET',
    path: `${base}/{template}/versions/{number}`,
    summary: 'One version of a template',
    tag,
    params: TemplateVersionParamsSchema,
    response: TemplateVersionSchema,
  }),
};

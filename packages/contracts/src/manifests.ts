import { z } from 'zod';
import { INT4_MAX, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { ProjectParamsSchema } from './projects.ts';

/**
 * A file of a manifest set: a relative path of letters, digits, `.`, `_`, `-` and `/`
 * segments (no `..`, no leading `/`), ending in `.yaml` or `.yml`.
 */
export const ManifestPathSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+\.ya?ml$/, {
    message:
      'must be a relative path like deploy/web.yaml (letters, digits, ".", "_", "-", "/"; ends in .yaml or .yml)',
  });

/** The files of one manifest version: path → YAML text (one or more documents each). */
export const ManifestFilesSchema = z
  .record(ManifestPathSchema, z.string().max(1024 * 1024, 'a manifest file must be at most 1 MiB'))
  .refine((files) => Object.keys(files).length > 0, { message: 'a manifest set needs at least one file' })
  .refine((files) => Object.keys(files).length <= 100, { message: 'a manifest set has at most 100 files' });
export type ManifestFiles = z.infer<typeof ManifestFilesSchema>;

const MessageSchema = z.string().max(2000);

export const ManifestSetSchema = z.object({
  name: z.string(),
  /** The newest version's number. */
  latestVersion: z.number().int(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Who saved the newest version. */
  updatedBy: z.string().nullable(),
});
export type ManifestSet = z.infer<typeof ManifestSetSchema>;

export const ManifestVersionSummarySchema = z.object({
  version: z.number().int(),
  message: z.string().nullable(),
  author: z.string().nullable(),
  createdAt: TimestampSchema,
  /** The file paths of this version. */
  paths: z.array(z.string()),
});
export const ManifestVersionSchema = ManifestVersionSummarySchema.extend({ files: ManifestFilesSchema });
export type ManifestVersion = z.infer<typeof ManifestVersionSchema>;

export const CreateManifestSetBodySchema = z.strictObject({
  name: SlugSchema,
  files: ManifestFilesSchema,
  message: MessageSchema.optional(),
});
export const CreatedManifestSetSchema = z.object({ name: z.string(), version: z.number().int() });

export const CreateManifestVersionBodySchema = z.strictObject({
  files: ManifestFilesSchema,
  message: MessageSchema.optional(),
  /** The version this edit started from; saving on top of a newer one is refused (409). */
  baseVersion: z.number().int().min(1).max(INT4_MAX).optional(),
});
export const CreatedManifestVersionSchema = z.object({ version: z.number().int() });

/** A problem found in a manifest file: where (1-based line and column) and what. */
export const ManifestProblemSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  /** The object's field path when the problem is in a field (`spec.replicas`). */
  path: z.string().nullable(),
  message: z.string(),
});
export type ManifestProblem = z.infer<typeof ManifestProblemSchema>;
export const ValidateManifestsBodySchema = z.strictObject({
  files: ManifestFilesSchema,
  /** Also dry-run every object against this environment's cluster (server-side, field validation Strict). */
  environment: SlugSchema.optional(),
});
export const ManifestValidationSchema = z.object({
  valid: z.boolean(),
  problems: z.array(ManifestProblemSchema),
});

export const ManifestSetParamsSchema = ProjectParamsSchema.extend({ name: SlugSchema }).strict();
export const ManifestVersionParamsSchema = ManifestSetParamsSchema.extend({
  version: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();

const base = '/api/v1/workspaces/{workspace}/projects/{project}/manifest-sets';
const tag = 'manifests';

export const manifestEndpoints = {
  list: defineEndpoint({
    operationId: 'listManifestSets',
    method: 'GET',
    path: base,
    summary: 'The project’s manifest sets (versioned Kubernetes YAML)',
    tag,
    params: ProjectParamsSchema,
    response: z.object({ items: z.array(ManifestSetSchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createManifestSet',
    auditedFields: ['name', 'message'],
    method: 'POST',
    path: base,
    summary:
      'Create a manifest set with its first version; invalid YAML gets 400 naming file, line and column',
    tag,
    params: ProjectParamsSchema,
    body: CreateManifestSetBodySchema,
    successStatus: 201,
    errors: { 409: 'a manifest set of that name exists' },
    response: CreatedManifestSetSchema,
  }),
  validate: defineEndpoint({
    operationId: 'validateManifests',
    readOnly: true,
    method: 'POST',
    path: `${base}/validate`,
    summary:
      'Check manifest files without saving (YAML, objects, placeholders; optionally a dry run on a cluster)',
    tag,
    params: ProjectParamsSchema,
    body: ValidateManifestsBodySchema,
    response: ManifestValidationSchema,
  }),
  get: defineEndpoint({
    operationId: 'getManifestSet',
    method: 'GET',
    path: `${base}/{name}`,
    summary: 'A manifest set',
    tag,
    params: ManifestSetParamsSchema,
    response: ManifestSetSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteManifestSet',
    method: 'DELETE',
    path: `${base}/{name}`,
    summary: 'Delete a manifest set and its versions (releases keep the objects they applied)',
    tag,
    params: ManifestSetParamsSchema,
    response: null,
  }),
  versions: defineEndpoint({
    operationId: 'listManifestVersions',
    method: 'GET',
    path: `${base}/{name}/versions`,
    summary: 'Every version of a manifest set, newest first',
    tag,
    params: ManifestSetParamsSchema,
    response: z.object({ items: z.array(ManifestVersionSummarySchema) }),
  }),
  createVersion: defineEndpoint({
    operationId: 'createManifestVersion',
    auditedFields: ['message', 'baseVersion'],
    method: 'POST',
    path: `${base}/{name}/versions`,
    summary: 'Save a new immutable version of a manifest set',
    tag,
    params: ManifestSetParamsSchema,
    body: CreateManifestVersionBodySchema,
    successStatus: 201,
    errors: { 409: 'a newer version was saved after baseVersion' },
    response: CreatedManifestVersionSchema,
  }),
  getVersion: defineEndpoint({
    operationId: 'getManifestVersion',
    method: 'GET',
    path: `${base}/{name}/versions/{version}`,
    summary: 'One version of a manifest set, with its files',
    tag,
    params: ManifestVersionParamsSchema,
    response: ManifestVersionSchema,
  }),
};

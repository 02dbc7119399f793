import { z } from 'zod';
import { INT4_MAX, SlugSchema, TimestampSchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import { ProjectParamsSchema } from './projects.ts';

/**
 * A ConfigMap key: letters, digits, `-`, `_` and `.`, at most 253 characters (Kubernetes'
 * `IsConfigMapKey`, k8s.io/apimachinery/pkg/util/validation).
 */
export const ConfigKeySchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, { message: 'must consist of letters, digits, "-", "_" or "."' })
  .refine((key) => key !== '.' && key !== '..' && !key.startsWith('..'), {
    message: 'must not be "." or "..", nor start with ".."',
  });

/**
 * The entries of one config version: key → value (a value may be a whole file such as
 * `application.yml`). Together at most 1 MiB, the size limit of a ConfigMap.
 */
export const ConfigDataSchema = z
  .record(ConfigKeySchema, z.string())
  .refine((data) => configDataBytes(data) <= 1024 * 1024, {
    message: 'config entries must total at most 1 MiB (the size limit of a ConfigMap)',
  });

/** The UTF-8 size of a config version's keys and values, in bytes. */
export function configDataBytes(data: Record<string, string>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) bytes += utf8Length(key) + utf8Length(value);
  return bytes;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
export type ConfigData = z.infer<typeof ConfigDataSchema>;

export const ConfigSetEnvironmentSchema = z.object({
  environment: z.string(),
  latestVersion: z.number().int(),
  updatedAt: TimestampSchema,
  updatedBy: z.string().nullable(),
});

export const ConfigSetSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** The environments that have at least one version of this set. */
  environments: z.array(ConfigSetEnvironmentSchema),
  createdAt: TimestampSchema,
});
export type ConfigSet = z.infer<typeof ConfigSetSchema>;

export const ConfigVersionSummarySchema = z.object({
  version: z.number().int(),
  environment: z.string(),
  message: z.string().nullable(),
  author: z.string().nullable(),
  createdAt: TimestampSchema,
  keys: z.array(z.string()),
  /** The immutable ConfigMap a deploy of this version creates: `<set>-v<version>`. */
  configMapName: z.string(),
});
export const ConfigVersionSchema = ConfigVersionSummarySchema.extend({ data: ConfigDataSchema });
export type ConfigVersion = z.infer<typeof ConfigVersionSchema>;

export const CreateConfigSetBodySchema = z.strictObject({
  name: SlugSchema,
  description: z.string().max(2000).optional(),
});
export const CreateConfigVersionBodySchema = z.strictObject({
  data: ConfigDataSchema,
  message: z.string().max(2000).optional(),
  /** The version this edit started from; saving on top of a newer one is refused (409). */
  baseVersion: z.number().int().min(1).max(INT4_MAX).optional(),
});
export const CreatedConfigVersionSchema = z.object({ version: z.number().int(), configMapName: z.string() });

/** One key's change between two versions (`old`/`new` null where the key is absent). */
export const ConfigEntryChangeSchema = z.object({
  key: z.string(),
  change: z.enum(['added', 'removed', 'changed', 'unchanged']),
  old: z.string().nullable(),
  new: z.string().nullable(),
});
export type ConfigEntryChange = z.infer<typeof ConfigEntryChangeSchema>;
export const ConfigDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  entries: z.array(ConfigEntryChangeSchema),
});

export const ConfigSetParamsSchema = ProjectParamsSchema.extend({ name: SlugSchema }).strict();
export const ConfigEnvironmentParamsSchema = ConfigSetParamsSchema.extend({
  environment: SlugSchema,
}).strict();
export const ConfigVersionParamsSchema = ConfigEnvironmentParamsSchema.extend({
  version: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();
export const ConfigDiffQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(1).max(INT4_MAX),
  to: z.coerce.number().int().min(1).max(INT4_MAX),
});

/** `<set>-v<version>`: the name of the immutable ConfigMap of a config version. */
export function configMapNameOf(set: string, version: number): string {
  return `${set}-v${version}`;
}

const base = '/api/v1/workspaces/{workspace}/projects/{project}/config-sets';
const tag = 'config';

export const configEndpoints = {
  list: defineEndpoint({
    operationId: 'listConfigSets',
    method: 'GET',
    path: base,
    summary: 'The project’s config sets (versioned ConfigMaps per environment)',
    tag,
    params: ProjectParamsSchema,
    response: z.object({ items: z.array(ConfigSetSchema) }),
  }),
  create: defineEndpoint({
    operationId: 'createConfigSet',
    auditedFields: ['name', 'description'],
    method: 'POST',
    path: base,
    summary: 'Create a config set (no versions yet)',
    tag,
    params: ProjectParamsSchema,
    body: CreateConfigSetBodySchema,
    successStatus: 201,
    errors: { 409: 'a config set of that name exists' },
    response: ConfigSetSchema,
  }),
  get: defineEndpoint({
    operationId: 'getConfigSet',
    method: 'GET',
    path: `${base}/{name}`,
    summary: 'A config set with its newest version per environment',
    tag,
    params: ConfigSetParamsSchema,
    response: ConfigSetSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteConfigSet',
    method: 'DELETE',
    path: `${base}/{name}`,
    summary: 'Delete a config set and its versions (releases keep what they deployed)',
    tag,
    params: ConfigSetParamsSchema,
    response: null,
  }),
  versions: defineEndpoint({
    operationId: 'listConfigVersions',
    method: 'GET',
    path: `${base}/{name}/environments/{environment}/versions`,
    summary: 'Every version of a config set in one environment, newest first',
    tag,
    params: ConfigEnvironmentParamsSchema,
    response: z.object({ items: z.array(ConfigVersionSummarySchema) }),
  }),
  createVersion: defineEndpoint({
    operationId: 'createConfigVersion',
    auditedFields: ['message', 'baseVersion'],
    method: 'POST',
    path: `${base}/{name}/environments/{environment}/versions`,
    summary: 'Save a new immutable version of a config set for one environment',
    tag,
    params: ConfigEnvironmentParamsSchema,
    body: CreateConfigVersionBodySchema,
    successStatus: 201,
    errors: { 409: 'a newer version was saved after baseVersion' },
    response: CreatedConfigVersionSchema,
  }),
  getVersion: defineEndpoint({
    operationId: 'getConfigVersion',
    method: 'GET',
    path: `${base}/{name}/environments/{environment}/versions/{version}`,
    summary: 'One version of a config set, with its entries',
    tag,
    params: ConfigVersionParamsSchema,
    response: ConfigVersionSchema,
  }),
  diff: defineEndpoint({
    operationId: 'diffConfigVersions',
    method: 'GET',
    path: `${base}/{name}/environments/{environment}/diff`,
    summary: 'Key by key changes between two versions of a config set in one environment',
    tag,
    params: ConfigEnvironmentParamsSchema,
    query: ConfigDiffQuerySchema,
    response: ConfigDiffSchema,
  }),
};

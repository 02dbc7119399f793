import { z } from 'zod';
import { PageQuerySchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { ConfigEntryChangeSchema } from './config.ts';
import { defineEndpoint } from './endpoint.ts';
import { ClusterEventSchema, EnvironmentParamsSchema, WorkloadSchema } from './environments.ts';
import { ProjectParamsSchema } from './projects.ts';

/**
 * What became of a release: `deploying` (applying or waiting for the rollout), `succeeded`
 * (every workload available; live until another release of the project succeeds in the
 * environment), `failed`, `superseded` (a later release replaced it), `rolled-back` (it was
 * live when someone rolled back to an earlier release).
 */
export const ReleaseStatusSchema = z.enum(['deploying', 'succeeded', 'failed', 'superseded', 'rolled-back']);
export type ReleaseStatus = z.infer<typeof ReleaseStatusSchema>;
export const FINISHED_RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'succeeded',
  'failed',
  'superseded',
  'rolled-back',
];

export const ReleaseConfigSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  /** `<set>-v<version>`. */
  configMapName: z.string(),
});

export const ReleaseSchema = z.object({
  /** Counts per project. */
  number: z.number().int(),
  project: z.string(),
  environment: z.string(),
  status: ReleaseStatusSchema,
  /** Why it failed (the condition, the crash-looping pod and its last lines), or a note. */
  message: z.string().nullable(),
  /** The image reference deployed (`${{ release.image }}`). */
  image: z.string().nullable(),
  /** `sha256:…` when known (the build step pushed it in the same run). */
  imageDigest: z.string().nullable(),
  /** The manifest set version deployed; null when the manifests came from the repository. */
  manifestSet: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  /** The repository path the manifests came from (`deploy.path`), at `commit`. */
  manifestPath: z.string().nullable(),
  config: z.array(ReleaseConfigSchema),
  /** The run whose deploy step made it; null for a rollback. */
  run: z.object({ pipeline: z.string(), number: z.number().int() }).nullable(),
  commit: z.string().nullable(),
  /** The release this one rolled back to (its parts re-applied). */
  rollbackOf: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: TimestampSchema,
  /** When applying began, after any queue or approval. */
  startedAt: TimestampSchema.nullable(),
  finishedAt: TimestampSchema.nullable(),
});
export type Release = z.infer<typeof ReleaseSchema>;
export const ReleasePageSchema = pageOf(ReleaseSchema);

/** One object a release applied, as applied (labels Slipway adds included). */
export const ReleaseObjectSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  /** The object as YAML. */
  yaml: z.string(),
});
export const ReleaseObjectsSchema = z.object({ items: z.array(ReleaseObjectSchema) });

/** A line of a release's deploy log (what was applied, rollout progress, pod events). */
export const ReleaseLogLineSchema = z.object({
  seq: z.number().int(),
  at: TimestampSchema,
  text: z.string(),
});
export const ReleaseLogSchema = z.object({
  lines: z.array(ReleaseLogLineSchema),
  /** The release has finished and every line is here. */
  complete: z.boolean(),
});
export const ReleaseLogQuerySchema = z.strictObject({
  /** Only lines after this sequence number. */
  after: z.coerce.number().int().min(0).optional(),
});

export const ObjectChangeSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  change: z.enum(['added', 'removed', 'changed', 'unchanged']),
  /** YAML of the object in the `from` release (null when added). */
  fromYaml: z.string().nullable(),
  toYaml: z.string().nullable(),
});
export const ReleaseDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  image: z.object({ from: z.string().nullable(), to: z.string().nullable(), changed: z.boolean() }),
  /** Per config set; a value of a key whose name marks a secret is never shown (`old`/`new` null). */
  config: z.array(
    z.object({
      name: z.string(),
      fromVersion: z.number().int().nullable(),
      toVersion: z.number().int().nullable(),
      entries: z.array(ConfigEntryChangeSchema),
    }),
  ),
  objects: z.array(ObjectChangeSchema),
  commits: z.object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    /** Commits after `from` up to `to`, newest first; null when they cannot be listed. */
    list: z.array(z.object({ sha: z.string(), message: z.string(), author: z.string() })).nullable(),
    /** Why the list is null (a commit unknown, the repository unreachable). */
    reason: z.string().nullable(),
  }),
});
export type ReleaseDiff = z.infer<typeof ReleaseDiffSchema>;

export const ProjectReleasesQuerySchema = PageQuerySchema.extend({
  environment: SlugSchema.optional(),
}).strict();
export const EnvironmentReleasesQuerySchema = PageQuerySchema.extend({
  project: SlugSchema.optional(),
}).strict();
export const ReleaseParamsSchema = ProjectParamsSchema.extend({
  number: z.coerce.number().int().min(1),
}).strict();
export const ReleaseDiffQuerySchema = z.strictObject({ to: z.coerce.number().int().min(1) });
export const RollbackBodySchema = z.strictObject({ message: z.string().max(2000).optional() });

/** What is live now of one project in an environment. */
export const LiveProjectSchema = z.object({
  project: z.string(),
  /** The newest succeeded release (what is live), null when none succeeded yet. */
  live: ReleaseSchema.nullable(),
  /** The newest release when it is still deploying or failed after the live one. */
  latest: ReleaseSchema.nullable(),
  rollout: z.object({
    state: z.enum(['available', 'progressing', 'failed', 'missing', 'unknown']),
    message: z.string().nullable(),
  }),
  workloads: z.array(WorkloadSchema),
  events: z.array(ClusterEventSchema),
});
export const EnvironmentLiveSchema = z.object({ items: z.array(LiveProjectSchema) });

/**
 * What a run's deploy steps deploy, fixed when the run is created (stored on the run):
 * the newest version of each manifest set named by a deploy step, and of each config set in
 * the run's environment.
 */
export const DeployPinsSchema = z.object({
  manifestSets: z.record(z.string(), z.number().int()),
  configSets: z.record(z.string(), z.object({ id: z.string(), version: z.number().int() })),
});
export type DeployPins = z.infer<typeof DeployPinsSchema>;

const base = '/api/v1/workspaces/{workspace}/projects/{project}/releases';
const tag = 'releases';

export const releaseEndpoints = {
  list: defineEndpoint({
    operationId: 'listProjectReleases',
    method: 'GET',
    path: base,
    summary: 'The project’s releases, newest first (optionally of one environment)',
    tag,
    params: ProjectParamsSchema,
    query: ProjectReleasesQuerySchema,
    response: ReleasePageSchema,
  }),
  get: defineEndpoint({
    operationId: 'getRelease',
    method: 'GET',
    path: `${base}/{number}`,
    summary: 'One release: image, manifest set version, config versions, run, status',
    tag,
    params: ReleaseParamsSchema,
    response: ReleaseSchema,
  }),
  objects: defineEndpoint({
    operationId: 'listReleaseObjects',
    method: 'GET',
    path: `${base}/{number}/objects`,
    summary: 'The objects a release applied, exactly as applied',
    tag,
    params: ReleaseParamsSchema,
    response: ReleaseObjectsSchema,
  }),
  log: defineEndpoint({
    operationId: 'getReleaseLog',
    method: 'GET',
    path: `${base}/{number}/log`,
    summary: 'The deploy log of a release (lines after `after`)',
    tag,
    params: ReleaseParamsSchema,
    query: ReleaseLogQuerySchema,
    response: ReleaseLogSchema,
  }),
  diff: defineEndpoint({
    operationId: 'diffReleases',
    method: 'GET',
    path: `${base}/{number}/diff`,
    summary: 'What changed between two releases: image, config key by key, objects, commits',
    tag,
    params: ReleaseParamsSchema,
    query: ReleaseDiffQuerySchema,
    response: ReleaseDiffSchema,
  }),
  rollback: defineEndpoint({
    operationId: 'rollbackRelease',
    auditedFields: ['message'],
    method: 'POST',
    path: `${base}/{number}/rollback`,
    summary:
      'Deploy an earlier succeeded release again (its image, objects and ConfigMap versions) as a new release',
    tag,
    params: ReleaseParamsSchema,
    body: RollbackBodySchema,
    successStatus: 201,
    errors: { 409: 'the release never succeeded, or a deploy into the environment is under way' },
    response: ReleaseSchema,
  }),
  environmentList: defineEndpoint({
    operationId: 'listEnvironmentReleases',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/releases',
    summary: 'Deployment history of an environment across projects, newest first',
    tag,
    params: EnvironmentParamsSchema,
    query: EnvironmentReleasesQuerySchema,
    response: ReleasePageSchema,
  }),
  environmentLive: defineEndpoint({
    operationId: 'getEnvironmentLive',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/live',
    summary: 'What is live in the environment per project: release, rollout state, pods, events',
    tag,
    params: EnvironmentParamsSchema,
    response: EnvironmentLiveSchema,
  }),
};

/** A JSON Schema (draft-07) for editors: Kubernetes objects by apiVersion and kind. */
export const KubernetesSchemaSchema = z.record(z.string(), z.unknown());

export const kubernetesSchemaEndpoints = {
  builtIn: defineEndpoint({
    operationId: 'getBuiltInKubernetesSchema',
    method: 'GET',
    path: '/api/v1/kubernetes-schema',
    summary: 'JSON Schema of the core Kubernetes kinds, for editors when no cluster is chosen',
    tag,
    response: KubernetesSchemaSchema,
  }),
  environment: defineEndpoint({
    operationId: 'getEnvironmentKubernetesSchema',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/kubernetes-schema',
    summary:
      'JSON Schema built from the OpenAPI v3 of the environment’s cluster (CRDs included), cached per cluster and version',
    tag,
    params: EnvironmentParamsSchema,
    errors: { 409: 'the environment has no cluster' },
    response: KubernetesSchemaSchema,
  }),
};

import { z } from 'zod';
import { INT4_MAX, PageQuerySchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';
import { ConfigEntryChangeSchema } from './config.ts';
import { defineEndpoint } from './endpoint.ts';
import { ClusterEventSchema, EnvironmentParamsSchema, WorkloadSchema } from './environments.ts';
import { ProjectParamsSchema } from './projects.ts';

/**
 * What became of a release: `awaiting-approval` (the environment's approval policy wants
 * approvals first), `queued` (waiting for its turn in the environment, a lock or a freeze
 * window: `holdReason` says which), `deploying` (applying or waiting for the rollout),
 * `succeeded` (every workload available; live until another release of the project succeeds
 * in the environment), `failed`, `rejected` (an approver said no), `superseded` (a later
 * release replaced it), `rolled-back` (it was live when someone rolled back to an earlier
 * release, or its rollout failed and it was rolled back automatically).
 */
export const ReleaseStatusSchema = z.enum([
  'awaiting-approval',
  'queued',
  'deploying',
  'succeeded',
  'failed',
  'rejected',
  'superseded',
  'rolled-back',
]);
export type ReleaseStatus = z.infer<typeof ReleaseStatusSchema>;
export const FINISHED_RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'succeeded',
  'failed',
  'rejected',
  'superseded',
  'rolled-back',
];
/** Statuses of a release that has not ended: it holds its place in the environment's queue. */
export const WAITING_RELEASE_STATUSES: readonly ReleaseStatus[] = ['awaiting-approval', 'queued'];

/** How a release came to be. */
export const ReleaseTriggerSchema = z.enum(['run', 'rollback', 'auto-rollback', 'promotion']);
export type ReleaseTrigger = z.infer<typeof ReleaseTriggerSchema>;

/** One approver's decision on a release (kept on the release). */
export const ReleaseDecisionSchema = z.object({
  user: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().nullable(),
  at: TimestampSchema,
  /** A platform admin decided without holding the approver role. */
  adminOverride: z.boolean(),
});

/** The approval a release needed: the policy applied and who decided. */
export const ReleaseApprovalSchema = z.object({
  /** The approvals' id in the inbox (`/api/v1/approvals/{id}`). */
  id: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  required: z.number().int(),
  approverRole: z.string(),
  allowSelfApproval: z.boolean(),
  requestedAt: TimestampSchema,
  expiresAt: TimestampSchema,
  decidedAt: TimestampSchema.nullable(),
  decisions: z.array(ReleaseDecisionSchema),
});
export type ReleaseApproval = z.infer<typeof ReleaseApprovalSchema>;

/** An admin let the release deploy during a freeze window. */
export const FreezeBreakSchema = z.object({ by: z.string(), reason: z.string(), at: TimestampSchema });

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
  trigger: ReleaseTriggerSchema,
  /** The release of another environment this one was promoted from. */
  promotedFrom: z.object({ environment: z.string(), number: z.number().int() }).nullable(),
  /** Why it waits now (approval, lock, freeze window, the release ahead of it); null otherwise. */
  holdReason: z.string().nullable(),
  /** Null when the environment's policy needed no approval. */
  approval: ReleaseApprovalSchema.nullable(),
  freezeBreak: FreezeBreakSchema.nullable(),
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
  after: z.coerce.number().int().min(0).max(INT4_MAX).optional(),
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
  number: z.coerce.number().int().min(1).max(INT4_MAX),
}).strict();
export const ReleaseDiffQuerySchema = z.strictObject({ to: z.coerce.number().int().min(1).max(INT4_MAX) });
export const RollbackBodySchema = z.strictObject({ message: z.string().max(2000).optional() });
export const PromoteBodySchema = z.strictObject({
  /** The environment to promote to: the next one in the workspace's environment order. */
  environment: SlugSchema,
});
export const BreakFreezeBodySchema = z.strictObject({
  /** Why the freeze is broken (kept on the release and in the audit log). */
  reason: z.string().trim().min(3).max(1000),
});
/** Requests that create releases accept an Idempotency-Key: a repeat returns the same release. */
export const ReleaseIdempotencyHeadersSchema = z.object({
  'idempotency-key': z.string().min(1).max(255).optional(),
});

/** The environment's deploy queue: the release deploying now, then the waiting ones in order. */
export const EnvironmentQueueSchema = z.object({
  /** Why nothing moves now (lock, freeze window), null when the queue moves. */
  held: z.string().nullable(),
  items: z.array(ReleaseSchema),
});

export const CopyEnvironmentBodySchema = z.strictObject({ to: SlugSchema });
/** What an environment copy did per project. */
export const EnvironmentCopySchema = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      project: z.string(),
      /** The release promoted (live in `from`). */
      from: z.number().int().nullable(),
      /** The new release in `to`. */
      release: ReleaseSchema.nullable(),
      outcome: z.enum(['created', 'skipped', 'failed']),
      message: z.string().nullable(),
    }),
  ),
});

/** Separation of duties: per release of an environment, who started it, who approved, what broke policy. */
export const ApprovalsReportRowSchema = z.object({
  project: z.string(),
  release: z.number().int(),
  status: ReleaseStatusSchema,
  trigger: ReleaseTriggerSchema,
  createdBy: z.string(),
  createdAt: TimestampSchema,
  required: z.number().int(),
  approvedBy: z.array(z.string()),
  rejectedBy: z.array(z.string()),
  /** `freeze-broken`, `admin-override`, `self-approved`, `no-approval-required` */
  flags: z.array(z.string()),
  freezeBreak: FreezeBreakSchema.nullable(),
});
export const ApprovalsReportSchema = z.object({ items: z.array(ApprovalsReportRowSchema) });
export const ApprovalsReportQuerySchema = z.strictObject({
  /** `csv` answers text/csv (one row per release) instead of JSON. */
  format: z.enum(['json', 'csv']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

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
    headers: ReleaseIdempotencyHeadersSchema,
    errors: { 409: 'the release never succeeded' },
    response: ReleaseSchema,
  }),
  promote: defineEndpoint({
    operationId: 'promoteRelease',
    auditedFields: ['environment'],
    method: 'POST',
    path: `${base}/{number}/promote`,
    summary:
      'Deploy a succeeded release’s image digest and manifest version to the next environment, with that environment’s own config, through its policy',
    tag,
    params: ReleaseParamsSchema,
    headers: ReleaseIdempotencyHeadersSchema,
    body: PromoteBodySchema,
    successStatus: 201,
    errors: {
      400: 'the target is not the next environment, or it has no cluster',
      409: 'the release never succeeded',
    },
    response: ReleaseSchema,
  }),
  breakFreeze: defineEndpoint({
    operationId: 'breakReleaseFreeze',
    auditedFields: ['reason'],
    method: 'POST',
    path: `${base}/{number}/break-freeze`,
    summary: 'Let one release held by a freeze window deploy (platform or workspace admins; audited)',
    tag,
    params: ReleaseParamsSchema,
    body: BreakFreezeBodySchema,
    errors: { 409: 'the release is not waiting' },
    response: ReleaseSchema,
  }),
  environmentQueue: defineEndpoint({
    operationId: 'getEnvironmentQueue',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/queue',
    summary: 'The environment’s deploy queue: what deploys now and what waits, in order, with why',
    tag,
    params: EnvironmentParamsSchema,
    response: EnvironmentQueueSchema,
  }),
  environmentCopy: defineEndpoint({
    operationId: 'copyEnvironment',
    auditedFields: ['to'],
    method: 'POST',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/copy',
    summary: 'Promote every project’s live release of this environment to another, each as its own release',
    tag,
    params: EnvironmentParamsSchema,
    body: CopyEnvironmentBodySchema,
    errors: { 400: 'the target environment does not exist or has no cluster' },
    response: EnvironmentCopySchema,
  }),
  approvalsReport: defineEndpoint({
    operationId: 'getEnvironmentApprovalsReport',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/environments/{environment}/approvals-report',
    summary: 'Separation of duties: who approved each release, flagged where policy was broken (JSON or CSV)',
    tag,
    params: EnvironmentParamsSchema,
    query: ApprovalsReportQuerySchema,
    response: ApprovalsReportSchema,
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

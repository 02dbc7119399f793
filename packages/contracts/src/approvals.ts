import { z } from 'zod';
import { ErrorBodySchema, TimestampSchema } from './common.ts';
import { ConfigEntryChangeSchema } from './config.ts';
import { defineEndpoint } from './endpoint.ts';
import { ReleaseDecisionSchema } from './releases.ts';

/**
 * The approvals inbox: everything waiting for a decision — pipeline gates (`kind: gate`, the
 * id is the gate's job attempt) and deploys held by their environment's approval policy
 * (`kind: deploy`, the id is the release's approval).
 */
export const ApprovalKindSchema = z.enum(['deploy', 'gate']);
export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired']);

export const ApprovalItemSchema = z.object({
  id: z.uuid(),
  kind: ApprovalKindSchema,
  status: ApprovalStatusSchema,
  workspace: z.string(),
  project: z.string(),
  environment: z.string(),
  /** The release waiting (deploy approvals). */
  release: z.number().int().nullable(),
  run: z.object({ pipeline: z.string(), number: z.number().int() }).nullable(),
  releaseType: z.string().nullable(),
  /** The gate's `<stage>.<name>` (gates). */
  gate: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: TimestampSchema,
  /** When the request lapses (gates: null, they wait until decided or the run ends). */
  expiresAt: TimestampSchema.nullable(),
  required: z.number().int(),
  approverRole: z.string(),
  /** Approvals given so far that still count (not lapsed). */
  approvals: z.number().int(),
  decisions: z.array(ReleaseDecisionSchema),
  /** Whether the signed-in user may decide it now, and why not. */
  canDecide: z.boolean(),
  reason: z.string().nullable(),
});
export type ApprovalItem = z.infer<typeof ApprovalItemSchema>;
export const ApprovalListSchema = z.object({ items: z.array(ApprovalItemSchema) });

export const ApprovalListQuerySchema = z.strictObject({
  /** Default `pending`. */
  status: z.enum(['pending', 'decided', 'all']).optional(),
  kind: ApprovalKindSchema.optional(),
  workspace: z.string().max(63).optional(),
  environment: z.string().max(63).optional(),
  /** Only what the signed-in user may decide now (default for `pending`: true). */
  mine: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

/** What an approved deploy would change, object by object, from a server-side dry run. */
export const ManifestChangeSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  /**
   * `create`: not live yet; `update`: live and the dry run changes it; `unchanged`; `prune`:
   * live (from the project's current release) and not in the new one, so it is deleted.
   */
  action: z.enum(['create', 'update', 'unchanged', 'prune']),
  /** YAML of the live object, managed fields, status and server-set metadata stripped (null when created). */
  liveYaml: z.string().nullable(),
  /** YAML of the dry run's result, stripped the same way (null when pruned). */
  mergedYaml: z.string().nullable(),
  /** The dry run refused it (a field the cluster does not accept): why. */
  error: z.string().nullable(),
});

export const ApprovalDiffSchema = z.object({
  /** SHA-256 of the diff (image, config, manifests): approving a diff that changed since is refused with 409. */
  hash: z.string(),
  computedAt: TimestampSchema,
  /** The live release of the project in the environment, null for a first deploy. */
  live: z.number().int().nullable(),
  image: z.object({
    from: z.string().nullable(),
    fromDigest: z.string().nullable(),
    to: z.string().nullable(),
    toDigest: z.string().nullable(),
    changed: z.boolean(),
  }),
  /** Per config set, key by key; values of keys whose names mark secrets are never shown. */
  config: z.array(
    z.object({
      name: z.string(),
      fromVersion: z.number().int().nullable(),
      toVersion: z.number().int().nullable(),
      entries: z.array(ConfigEntryChangeSchema),
    }),
  ),
  manifests: z.array(ManifestChangeSchema),
  /** Why the dry run could not be done (cluster unreachable): the manifests are compared with the stored objects instead. */
  dryRunError: z.string().nullable(),
});
export type ApprovalDiff = z.infer<typeof ApprovalDiffSchema>;

export const ApprovalDetailSchema = ApprovalItemSchema.extend({
  commits: z.array(z.object({ sha: z.string(), message: z.string(), author: z.string() })),
  /** Deploy approvals only (gates: null). */
  diff: ApprovalDiffSchema.nullable(),
});
export type ApprovalDetail = z.infer<typeof ApprovalDetailSchema>;

export const ApprovalParamsSchema = z.strictObject({ id: z.uuid() });

/** A decision; a rejection must say why. `diffHash`: the diff approved (default: the one last shown to the caller). */
export const ApprovalDecisionBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2000).optional(),
    diffHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.decision === 'reject' && !body.comment?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'say why the deploy is rejected' });
    }
  });

/** The 409 of a decision: with `diff` when the diff changed since it was shown (approve it again after reading it). */
export const ApprovalConflictSchema = ErrorBodySchema.extend({ diff: ApprovalDiffSchema.optional() });

export const ApprovalCountSchema = z.object({ pending: z.number().int() });

const tag = 'approvals';

export const approvalEndpoints = {
  list: defineEndpoint({
    operationId: 'listApprovals',
    method: 'GET',
    path: '/api/v1/approvals',
    summary: 'The approvals inbox: gates and deploy approvals across workspaces the caller can read',
    tag,
    query: ApprovalListQuerySchema,
    response: ApprovalListSchema,
  }),
  count: defineEndpoint({
    operationId: 'countApprovals',
    method: 'GET',
    path: '/api/v1/approvals/count',
    summary: 'How many requests wait for the signed-in user’s decision (the header badge)',
    tag,
    response: ApprovalCountSchema,
  }),
  get: defineEndpoint({
    operationId: 'getApproval',
    method: 'GET',
    path: '/api/v1/approvals/{id}',
    summary:
      'One request with what it would change: image old → new, config key by key, manifests from a server-side dry run against what is live',
    tag,
    params: ApprovalParamsSchema,
    response: ApprovalDetailSchema,
  }),
  decide: defineEndpoint({
    operationId: 'decideApprovalRequest',
    auditedFields: ['decision', 'comment'],
    method: 'POST',
    path: '/api/v1/approvals/{id}/decisions',
    summary: 'Approve or reject (policy: approver role, self-approval, one decision each, expiry)',
    tag,
    params: ApprovalParamsSchema,
    body: ApprovalDecisionBodySchema,
    errors: {
      403: 'the policy excludes the caller (self-approval, role)',
      409: 'already decided, expired, or the diff changed since it was shown (the new diff is in `diff`)',
    },
    errorBodies: { 409: ApprovalConflictSchema },
    response: ApprovalDetailSchema,
  }),
};

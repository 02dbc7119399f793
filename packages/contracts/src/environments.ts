import { z } from 'zod';
import { CancelRunsQueryField, pageOf, SlugSchema, TimestampSchema } from './common.ts';

export const ApprovalPolicySchema = z.object({
  requiredApprovals: z.number().int().min(0).max(10),
  /** The role whose holders may approve deploys to this environment. */
  approverRole: SlugSchema,
  /** Whether whoever started a run may approve it; false by default for production. */
  allowSelfApproval: z.boolean(),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

export const EnvironmentSchema = z.object({
  id: z.uuid(),
  workspace: z.string(),
  name: z.string(),
  /** null: runs on the local executor, no cluster. */
  cluster: z.string().nullable(),
  namespace: z.string().nullable(),
  order: z.number().int(),
  production: z.boolean(),
  approvalPolicy: ApprovalPolicySchema,
  locked: z.boolean(),
  /** Releases per project, besides the live one, whose ConfigMaps are kept (older ones are garbage-collected). */
  retainReleases: z.number().int(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Environment = z.infer<typeof EnvironmentSchema>;
export const EnvironmentListSchema = z.object({ items: z.array(EnvironmentSchema) });
export const EnvironmentPageSchema = pageOf(EnvironmentSchema);

export const CreateEnvironmentBodySchema = z.strictObject({
  name: SlugSchema,
  cluster: SlugSchema.optional(),
  namespace: SlugSchema.optional(),
  order: z.number().int().min(0).max(1000).optional(),
  production: z.boolean().optional(),
  approvalPolicy: ApprovalPolicySchema.partial().strict().optional(),
  retainReleases: z.number().int().min(0).max(1000).optional(),
});
export type CreateEnvironmentBody = z.infer<typeof CreateEnvironmentBodySchema>;

export const UpdateEnvironmentBodySchema = z.strictObject({
  cluster: SlugSchema.nullable().optional(),
  namespace: SlugSchema.nullable().optional(),
  order: z.number().int().min(0).max(1000).optional(),
  production: z.boolean().optional(),
  approvalPolicy: ApprovalPolicySchema.partial().strict().optional(),
  locked: z.boolean().optional(),
  retainReleases: z.number().int().min(0).max(1000).optional(),
});
export type UpdateEnvironmentBody = z.infer<typeof UpdateEnvironmentBodySchema>;

export const EnvironmentParamsSchema = z.strictObject({ workspace: SlugSchema, environment: SlugSchema });

export const DeleteEnvironmentQuerySchema = z.strictObject({
  /** Also delete the namespace (and everything in it) from the cluster. */
  deleteNamespace: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  cancelRuns: CancelRunsQueryField,
});

export const WorkloadPodSchema = z.object({
  name: z.string(),
  phase: z.string().nullable(),
  ready: z.boolean(),
  restarts: z.number().int(),
  node: z.string().nullable(),
  startedAt: z.string().nullable(),
});

export const WorkloadSchema = z.object({
  name: z.string(),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
  availableReplicas: z.number().int(),
  updatedReplicas: z.number().int(),
  images: z.array(z.string()),
  available: z.boolean(),
  pods: z.array(WorkloadPodSchema),
});

export const ClusterEventSchema = z.object({
  type: z.string().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  object: z.string(),
  count: z.number().int().nullable(),
  lastSeen: z.string().nullable(),
});

export const EnvironmentWorkloadsSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  deployments: z.array(WorkloadSchema),
  events: z.array(ClusterEventSchema),
});
export type EnvironmentWorkloads = z.infer<typeof EnvironmentWorkloadsSchema>;

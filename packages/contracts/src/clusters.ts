import { z } from 'zod';
import { DescriptionSchema, pageOf, SlugSchema, TimestampSchema } from './common.ts';

/** What Slipway needs to be allowed to do with a cluster's credentials. */
export const ClusterPermissionSchema = z.object({
  verb: z.string(),
  resource: z.string(),
  allowed: z.boolean(),
});

export const ClusterCheckSchema = z.object({
  checkedAt: TimestampSchema,
  reachable: z.boolean(),
  serverVersion: z.string().nullable(),
  nodeCount: z.number().int().nullable(),
  permissions: z.array(ClusterPermissionSchema),
  /** true when reachable and every permission is allowed. */
  ok: z.boolean(),
  error: z.string().nullable(),
});
export type ClusterCheck = z.infer<typeof ClusterCheckSchema>;

export const ClusterSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  inCluster: z.boolean(),
  /** The API server address from the kubeconfig (the credentials themselves are never returned). */
  server: z.string().nullable(),
  context: z.string().nullable(),
  environmentCount: z.number().int(),
  lastCheck: ClusterCheckSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Cluster = z.infer<typeof ClusterSchema>;
export const ClusterPageSchema = pageOf(ClusterSchema);

const KubeconfigSchema = z
  .string()
  .min(1, 'kubeconfig must not be empty')
  .max(256 * 1024, 'kubeconfig must be at most 256 KiB');
const ContextSchema = z.string().min(1).max(253);

export const CreateClusterBodySchema = z
  .strictObject({
    name: SlugSchema,
    description: DescriptionSchema.optional(),
    kubeconfig: KubeconfigSchema.optional(),
    context: ContextSchema.optional(),
    inCluster: z.literal(true).optional(),
  })
  .superRefine((body, ctx) => {
    if (!body.kubeconfig && !body.inCluster) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubeconfig'],
        message: 'give a kubeconfig, or inCluster: true when Slipway runs inside the cluster',
      });
    }
    if (body.kubeconfig && body.inCluster) {
      ctx.addIssue({
        code: 'custom',
        path: ['inCluster'],
        message: 'give either a kubeconfig or inCluster, not both',
      });
    }
  });
export type CreateClusterBody = z.infer<typeof CreateClusterBodySchema>;

export const UpdateClusterBodySchema = z.strictObject({
  description: DescriptionSchema.nullable().optional(),
  kubeconfig: KubeconfigSchema.optional(),
  context: ContextSchema.nullable().optional(),
});
export type UpdateClusterBody = z.infer<typeof UpdateClusterBodySchema>;

export const ClusterParamsSchema = z.strictObject({ cluster: SlugSchema });

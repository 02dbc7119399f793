import { z } from 'zod';
import { CancelRunsQueryField, pageOf, SlugSchema, TimestampSchema } from './common.ts';

export const ApprovalPolicySchema = z.object({
  /** Approvals (each from a different person) every deploy into the environment needs; 0: none. */
  requiredApprovals: z.number().int().min(0).max(10),
  /** The built-in or custom role of the workspace whose holders may approve deploys here. */
  approverRole: SlugSchema,
  /**
   * Whether whoever started the deploy (or committed the change, matched by e-mail) may
   * approve it; false by default for production.
   */
  allowSelfApproval: z.boolean(),
  /** A pending request, and each approval given, lapses after this many minutes (default 1440 = 24 h). */
  expiryMinutes: z.number().int().min(1).max(525_600),
  /** A release whose rollout fails is rolled back at once to the last successful release. */
  autoRollback: z.boolean(),
});

/** `HH:MM`, 24-hour clock. */
export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00–23:59)');
export const WeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
/** An IANA time zone name (`Europe/Berlin`, `UTC`). */
export const TimeZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Europe/Berlin or UTC' },
);

/**
 * A time when deploys into the environment are held: every week from `from` to `to`
 * (e.g. Fri 18:00 – Mon 08:00; it may wrap around the week's end), or once, between two
 * local date-times. Times are wall-clock times in `timeZone` (daylight saving applies).
 */
export const FreezeWindowSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('weekly'),
    name: z.string().max(120).optional(),
    from: z.strictObject({ day: WeekdaySchema, time: ClockTimeSchema }),
    to: z.strictObject({ day: WeekdaySchema, time: ClockTimeSchema }),
    timeZone: TimeZoneSchema,
  }),
  z.strictObject({
    kind: z.literal('once'),
    name: z.string().max(120).optional(),
    /** Local date-time `YYYY-MM-DDTHH:MM` in `timeZone`. */
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:MM'),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:MM'),
    timeZone: TimeZoneSchema,
  }),
]);
export type FreezeWindow = z.infer<typeof FreezeWindowSchema>;
export const FreezeWindowsSchema = z.array(FreezeWindowSchema).max(50);
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
  freezeWindows: z.array(FreezeWindowSchema),
  /** The freeze window holding deploys now (null: none). */
  frozen: z.object({ window: FreezeWindowSchema, until: TimestampSchema }).nullable(),
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
  freezeWindows: FreezeWindowsSchema.optional(),
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
  freezeWindows: FreezeWindowsSchema.optional(),
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

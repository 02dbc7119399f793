import { z } from 'zod';

/** DNS-1123 label: these slugs become Kubernetes names (namespaces, labels). */
export const SLUG_RULE =
  'must be a DNS-1123 label: 1–63 characters, lowercase letters, digits and "-", starting and ending with a letter or digit';

export const SlugSchema = z
  .string()
  .min(1, { message: SLUG_RULE })
  .max(63, { message: SLUG_RULE })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: SLUG_RULE });

export const DisplayNameSchema = z.string().trim().min(1, 'name must not be empty').max(200);
export const DescriptionSchema = z.string().max(2000);

/**
 * A run named by an error (e.g. the active runs that stop a delete, 409): enough to show it
 * as `workspace/project/pipeline #number` and link to it.
 */
export const RunRefSchema = z.object({
  id: z.uuid(),
  workspace: z.string(),
  project: z.string(),
  pipeline: z.string(),
  number: z.number().int(),
  status: z.string(),
});
export type RunRef = z.infer<typeof RunRefSchema>;

export const ErrorDetailSchema = z.object({
  field: z.string().optional(),
  message: z.string(),
  /** For errors inside a document (a pipeline spec): where, 1-based. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  path: z.string().optional(),
  /** The run this detail is about (e.g. an active run that stops a delete). */
  run: RunRefSchema.optional(),
});

/** The one error body every API error uses. */
export const ErrorBodySchema = z.object({
  requestId: z.string(),
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z.array(ErrorDetailSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

export const PageQuerySchema = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    /** Pass back as `cursor` to get the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  });
}

export const TimestampSchema = z.iso.datetime({ offset: true });

/**
 * `?cancelRuns=true` on a delete (or an environment's move to another cluster or namespace):
 * cancel the object's active runs first (wait until their jobs have stopped), then go on;
 * without it, active runs refuse the change (409).
 */
export const CancelRunsQueryField = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional()
  .describe(
    'true: cancel the active (queued, running, waiting) runs first, then delete (or move); without it active runs refuse the change (409)',
  );

/** The query of a delete that active runs can refuse (clusters, projects). */
export const DeleteWithRunsQuerySchema = z.strictObject({ cancelRuns: CancelRunsQueryField });
export type DeleteWithRunsQuery = z.infer<typeof DeleteWithRunsQuerySchema>;

/** What a 409 from a delete refused by active runs means (OpenAPI). */
export const ACTIVE_RUNS_CONFLICT =
  'it has active runs (named in details, each with its run); retry with cancelRuns=true to cancel them first';

/**
 * The largest value of a PostgreSQL `integer` column (2^31 − 1): numbers in paths and queries
 * that name rows (run, release, version numbers) stop here, so a larger one is a 400 naming
 * the field rather than a database error.
 */
export const INT4_MAX = 2_147_483_647;
